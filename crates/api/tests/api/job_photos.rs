//! Photos of a job's item over HTTP: an image uploaded as a form is kept
//! once by its SHA-256 and read back as it was; what is not an image, or
//! too large, or not a form, is refused and keeps nothing; the job's
//! customer reads their own and no one else's.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::billing::customer;
use crate::challans::shop;
use crate::helpers::{Backend, TestApp, get, json_of, post};
use crate::jobs::{chain, take_in};
use crate::loyalty::id_of;
use crate::on_both_backends;

on_both_backends!(a_jobs_photos_are_images_kept_once_and_seen_by_their_own,);

/// The smallest PNG: one transparent pixel.
pub(crate) const PIXEL: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
    0x42, 0x60, 0x82,
];

const BOUNDARY: &str = "jewel-crm-test-boundary";

/// A `multipart/form-data` body of `photo` (named as a PNG file whatever
/// it holds) and, if given, a caption.
pub(crate) fn form(photo: &[u8], caption: Option<&str>) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"clasp.png\"\r\nContent-Type: image/png\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(photo);
    body.extend_from_slice(b"\r\n");
    if let Some(caption) = caption {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\n{caption}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

pub(crate) async fn upload(
    app: &TestApp,
    token: &str,
    job: &Value,
    body: Vec<u8>,
) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/v1/jobs/{}/photos", id_of(job))))
        .bearer_auth(token)
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body)
        .send()
        .await
        .expect("sent")
}

/// The files kept under the data folder's photos.
pub(crate) fn kept(app: &TestApp) -> usize {
    let root = app.data_dir().join("photos");
    let Ok(folders) = std::fs::read_dir(root) else {
        return 0;
    };
    folders
        .flatten()
        .filter_map(|folder| std::fs::read_dir(folder.path()).ok())
        .map(|files| {
            files
                .flatten()
                .filter(|f| !f.file_name().to_string_lossy().starts_with('.'))
                .count()
        })
        .sum()
}

async fn a_jobs_photos_are_images_kept_once_and_seen_by_their_own(backend: Backend) {
    let shop = shop(backend).await;
    let app = &shop.app;
    let who = customer(app, &shop.sales, "9876543210", None).await;
    let job = take_in(app, &shop.sales, chain(&shop.branch, &who)).await;

    let photo = json_of(
        upload(
            app,
            &shop.sales,
            &job,
            form(PIXEL, Some("Clasp as handed in")),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(photo["contentType"], "image/png");
    assert_eq!(photo["bytes"], PIXEL.len());
    assert_eq!(photo["caption"], "Clasp as handed in");
    assert_eq!(photo["sha256"], format!("{:x}", Sha256::digest(PIXEL)));
    let url = photo["url"].as_str().expect("url").to_owned();
    let image = get(app, &shop.sales, &url).await;
    assert_eq!(image.status(), 200);
    assert_eq!(
        image.headers()["content-type"].to_str().expect("type"),
        "image/png"
    );
    assert_eq!(image.bytes().await.expect("bytes").as_ref(), PIXEL);
    // The same bytes again: a second photo, one file.
    json_of(upload(app, &shop.sales, &job, form(PIXEL, None)).await, 201).await;
    assert_eq!(kept(app), 1);

    // Not an image, whatever it is called; too large; not a form.
    let text = json_of(
        upload(
            app,
            &shop.sales,
            &job,
            form(b"GIF89a? no: plain text", None),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(text["errors"][0]["field"], "photo", "{text}");
    assert_eq!(text["errors"][0]["code"], "not_an_image", "{text}");
    let mut huge = PIXEL.to_vec();
    huge.resize(5 * 1024 * 1024 + 1, 0);
    let answer = upload(app, &shop.sales, &job, form(&huge, None)).await;
    assert_eq!(answer.status(), 413);
    assert_eq!(
        answer.headers()["content-type"].to_str().expect("type"),
        "application/problem+json"
    );
    let missing = json_of(
        upload(
            app,
            &shop.sales,
            &job,
            format!("--{BOUNDARY}--\r\n").into_bytes(),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(missing["errors"][0]["field"], "photo", "{missing}");
    let path = format!("/api/v1/jobs/{}/photos", id_of(&job));
    assert_eq!(
        post(app, &shop.sales, &path, json!({"photo": "x"}))
            .await
            .status(),
        415
    );
    let listed = json_of(get(app, &shop.sales, &path).await, 200).await;
    assert_eq!(
        listed["items"].as_array().map(Vec::len),
        Some(2),
        "{listed}"
    );
    assert_eq!(kept(app), 1, "nothing refused was kept");
    let card = json_of(
        get(app, &shop.sales, &format!("/api/v1/jobs/{}", id_of(&job))).await,
        200,
    )
    .await;
    assert_eq!(card["photos"][0]["id"], photo["id"]);

    // Her own job's photo is hers to see; no one else's.
    let hers = app
        .customer_token(&shop.owner, id_of(&who), "9876543210")
        .await;
    let mine = format!("/api/v1/me/jobs/{}/photos/{}", id_of(&job), id_of(&photo));
    assert_eq!(get(app, &hers, &mine).await.status(), 200);
    let listed = json_of(get(app, &hers, "/api/v1/me/jobs").await, 200).await;
    assert_eq!(listed["items"][0]["photos"][0]["id"], photo["id"]);
    let other = customer(app, &shop.sales, "9876543211", None).await;
    let theirs = app
        .customer_token(&shop.owner, id_of(&other), "9876543211")
        .await;
    assert_eq!(get(app, &theirs, &mine).await.status(), 404);
    assert_eq!(get(app, &hers, &url).await.status(), 403);
    let elsewhere = app.open_branch(&shop.owner, "PUN1").await;
    let (_, stranger) = app
        .hire(
            &shop.owner,
            "ravi@example-jeweller.in",
            "sales",
            &[&elsewhere],
        )
        .await;
    assert_eq!(get(app, &stranger, &url).await.status(), 404);
    assert_eq!(
        upload(app, &stranger, &job, form(PIXEL, None))
            .await
            .status(),
        404
    );
}
