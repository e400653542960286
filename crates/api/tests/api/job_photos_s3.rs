//! Photos kept in an S3-compatible store (`jobs.photo_s3`): the fake in
//! tools/s3-fake checks every request's SigV4 signature with botocore, the
//! AWS SDK's own signer. A photo goes to the bucket by its SHA-256 and
//! comes back as it was, nothing is written under the data folder; with a
//! wrong secret the store refuses, the upload fails and the job lists no
//! photo.

use std::process::Child;

use jewel_api::config::S3Settings;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::billing::customer;
use crate::helpers::{Backend, TestApp, get, json_of, python_tool};
use crate::job_photos::{PIXEL, form, kept, upload};
use crate::jobs::{chain, take_in};
use crate::loyalty::id_of;
use crate::on_both_backends_with_s3;

on_both_backends_with_s3!(photos_go_to_an_s3_store_signed,);

const ACCESS_KEY: &str = "JEWELTESTACCESSKEY01";
const SECRET_KEY: &str = "jewel/test/secret/key/not/for/production";

/// tools/s3-fake, stopped when dropped.
struct Fake {
    child: Child,
    endpoint: String,
}

impl Fake {
    fn start() -> Self {
        let (child, started) = python_tool(
            "s3-fake/server.py",
            &[
                ACCESS_KEY.as_ref(),
                SECRET_KEY.as_ref(),
                "ap-south-1".as_ref(),
            ],
        );
        let endpoint = started["endpoint"].as_str().expect("endpoint").to_owned();
        Self { child, endpoint }
    }

    fn settings(&self, secret: &str) -> S3Settings {
        S3Settings {
            endpoint: self.endpoint.clone(),
            bucket: "jewel-photos".to_owned(),
            region: "ap-south-1".to_owned(),
            access_key_id: ACCESS_KEY.to_owned(),
            secret_access_key: secret.to_owned().into(),
            prefix: "photos/".to_owned(),
        }
    }
}

impl Drop for Fake {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An app keeping photos in the fake with `secret`, and a job taken in.
async fn app_and_job(backend: Backend, fake: &Fake, secret: &str) -> (TestApp, String, Value) {
    let s3 = fake.settings(secret);
    let app = TestApp::spawn_configured(backend, move |settings| {
        settings.jobs.photo_s3 = Some(s3);
    })
    .await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MUM1").await;
    let (_, sales) = app
        .hire(&owner, "priya@example-jeweller.in", "sales", &[&branch])
        .await;
    let who = customer(&app, &sales, "9876543210", None).await;
    let job = take_in(&app, &sales, chain(&branch, &who)).await;
    (app, sales, job)
}

async fn photos_go_to_an_s3_store_signed(backend: Backend) {
    let fake = Fake::start();
    let (app, sales, job) = app_and_job(backend, &fake, SECRET_KEY).await;
    let photo = json_of(upload(&app, &sales, &job, form(PIXEL, None)).await, 201).await;
    let sha = format!("{:x}", Sha256::digest(PIXEL));
    let objects: Vec<String> = app
        .client
        .get(format!("{}/_fake/objects", fake.endpoint))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("JSON");
    assert_eq!(objects, [format!("/jewel-photos/photos/{sha}")]);
    assert_eq!(kept(&app), 0, "nothing under the data folder");
    let image = get(&app, &sales, photo["url"].as_str().expect("url")).await;
    assert_eq!(image.status(), 200);
    assert_eq!(image.bytes().await.expect("bytes").as_ref(), PIXEL);

    // A wrong secret: the store refuses the signature, the upload fails
    // and the job keeps no photo.
    let (app, sales, job) = app_and_job(backend, &fake, "not-the-secret").await;
    let failed = upload(&app, &sales, &job, form(PIXEL, None)).await;
    assert_eq!(failed.status(), 500);
    let path = format!("/api/v1/jobs/{}/photos", id_of(&job));
    let listed = json_of(get(&app, &sales, &path).await, 200).await;
    assert_eq!(listed["items"], serde_json::json!([]));
}
