//! The limits the benchmarks compare jewel-crm's endpoints with
//! (bench/README.md): a bare actix-web JSON handler, and a bare actix-web
//! handler reading one customer by primary key with sqlx from the same
//! MariaDB. No authentication, no middleware, nothing else.
//!
//!   jewel-bench-bare HOST:PORT mysql://root@127.0.0.1:3306/jewel_bench_s

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
    let row: Result<Option<(String, String, String)>, sqlx::Error> =
        sqlx::query_as("SELECT id, name, mobile FROM customers WHERE id = ?")
            .bind(id.as_str())
            .fetch_optional(pool.get_ref())
            .await;
    match row {
        Ok(Some((id, name, mobile))) => {
            HttpResponse::Ok().json(json!({"id": id, "name": name, "mobile": mobile}))
        }
        Ok(None) => HttpResponse::NotFound().finish(),
        Err(_) => HttpResponse::InternalServerError().finish(),
    }
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(bind), Some(url)) = (args.next(), args.next()) else {
        eprintln!("usage: jewel-bench-bare HOST:PORT MYSQL_URL");
        std::process::exit(2);
    };
    // As many connections as jewel-crm's default pool.
    let pool = MySqlPoolOptions::new()
        .max_connections(16)
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
