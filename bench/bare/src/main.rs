//! The limits the benchmarks compare jewel-crm's endpoints with
//! (bench/README.md): a bare actix-web JSON handler, and a bare actix-web
//! handler reading one customer by primary key with sqlx from the same
//! MariaDB: the same statement as jewel-crm's (every column, the other
//! phones and tags folded in) and the same JSON, with the same pool
//! settings. No authentication, no middleware, nothing else.
//!
//!   jewel-bench-bare HOST:PORT mysql://root@127.0.0.1:3306/jewel_bench_s

mod customer;

use actix_web::{App, HttpResponse, HttpServer, get, web};
use serde_json::json;
use sqlx::MySqlPool;
use sqlx::mysql::MySqlPoolOptions;

#[get("/json")]
async fn bare_json() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok", "version": "0.1.0"}))
}

#[get("/customers/{id}")]
async fn customer_by_id(pool: web::Data<MySqlPool>, id: web::Path<String>) -> HttpResponse {
    let row = sqlx::query(customer::SELECT)
        .bind(id.as_str())
        .fetch_optional(pool.get_ref())
        .await;
    match row.map(|row| row.map(|row| customer::render(&row))) {
        Ok(Some(Ok(body))) => HttpResponse::Ok().json(body),
        Ok(None) => HttpResponse::NotFound().finish(),
        Ok(Some(Err(_))) | Err(_) => HttpResponse::InternalServerError().finish(),
    }
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(bind), Some(url)) = (args.next(), args.next()) else {
        eprintln!("usage: jewel-bench-bare HOST:PORT MYSQL_URL");
        std::process::exit(2);
    };
    // As many connections as jewel-crm's default pool, and as it does, no
    // test of a connection before it is used.
    let pool = MySqlPoolOptions::new()
        .max_connections(16)
        .test_before_acquire(false)
        .connect(&url)
        .await
        .map_err(std::io::Error::other)?;
    HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(pool.clone()))
            .service(bare_json)
            .service(customer_by_id)
    })
    .bind(bind)?
    .run()
    .await
}
