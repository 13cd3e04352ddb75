//! Decoding one 200-user page (a real body served by the mock org) into the generated `Vec<types::User>` vs
//! into `serde_json::Value` (issue 7). Criterion reports MB/s (throughput = body bytes); BENCHMARKS.md has the
//! figures and the ratio.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::error::Error as StdError;
use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput};
use okta_management::mock::MockOrg;
use okta_management::types::User;

type Res<T> = Result<T, Box<dyn StdError + Send + Sync>>;

/// The body of `GET /api/v1/users?limit=200` from a mock org with 200 users.
fn page_body() -> Res<bytes::Bytes> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    rt.block_on(async {
        let mock = MockOrg::builder().seed_users(200).start().await?;
        let body = reqwest::Client::new()
            .get(format!("{}api/v1/users?limit=200", mock.base_url()))
            .header(reqwest::header::AUTHORIZATION, format!("SSWS {}", mock.token()))
            .send()
            .await?
            .error_for_status()?
            .bytes()
            .await?;
        mock.shutdown().await;
        Ok(body)
    })
}

fn main() -> Res<()> {
    let body = page_body()?;
    let users: Vec<User> = serde_json::from_slice(&body)?;
    if users.len() != 200 {
        return Err(format!("expected 200 users in the page, got {}", users.len()).into());
    }
    println!("decode: page of {} users, {} bytes", users.len(), body.len());

    let mut c = Criterion::default().configure_from_args();
    let mut group = c.benchmark_group("decode_page_200");
    group
        .throughput(Throughput::Bytes(body.len() as u64))
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    group.bench_function("types_user", |b| {
        b.iter(|| serde_json::from_slice::<Vec<User>>(black_box(&body)).map(|v| v.len()))
    });
    group.bench_function("json_value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(&body)).map(|v| v.is_array()))
    });
    group.finish();
    c.final_summary();
    Ok(())
}
