//! Decoding pages of the largest responses into the generated models vs into `serde_json::Value` (issues 7, 16,
//! 17). Users: a real 200-user page served by the mock org. Groups, apps, System Log events and policies: 200
//! items built from the spec's own examples of `listGroups`, `listApplications`, `listLogEvents` and
//! `listPolicies` (cycled), so apps and policies go through their discriminated unions. Criterion reports MB/s
//! (throughput = body bytes); before timing, each page is decoded once under a counting allocator and the
//! allocations per item are printed (`allocations:` lines). BENCHMARKS.md has the figures.
//!
//! Each page is decoded into the models with serde_json (`models`), with sonic-rs and simd-json (the same models
//! through their serde deserializers), and into `serde_json::Value`; the union pages also item by item straight into
//! the variant their discriminator names (`known_variant`: the discriminator known in advance, a lower bound). The
//! floor of plain structs is the same benchmark on models built with serde's derives instead of the lenient
//! decoding: `OKTA_CODEGEN_PLAIN_SERDE=1 cargo bench --features mock --bench decode` (a separate target dir keeps
//! both builds); its benchmark ids say `plain_structs` where the lossless build says `lossless`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, missing_docs)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::error::Error as StdError;
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{Criterion, Throughput};
use okta_management::decode::Lenient;
use okta_management::mock::MockOrg;
use okta_management::types::{Application, Group, LogEvent, Policy, User};
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_norway::Value as Yaml;

type Res<T> = Result<T, Box<dyn StdError + Send + Sync>>;

/// Counts allocations, to report them per decoded item.
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; only a counter is added.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's contract for `alloc` is passed on as is.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with `layout` (every allocation goes through `alloc` above).
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: as for `dealloc`; `new_size` is the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// The body of `GET /api/v1/users?limit=200` from a mock org with 200 users.
fn users_page() -> Res<bytes::Bytes> {
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

/// A page of `count` items made of the spec's examples of `operation` (each element of an array example, or the
/// example itself), cycled, members in the spec's order (as Okta sends them: a union's discriminator comes early);
/// `sorted` puts every object's members in alphabetical order instead (the discriminator late: the worst case).
fn page_from_examples(spec: &Yaml, operation: &str, count: usize, sorted: bool) -> Res<bytes::Bytes> {
    let resolve = |v: &Yaml| -> Yaml {
        let mut v = v.clone();
        while let Some(reference) = v.get("$ref").and_then(Yaml::as_str) {
            let mut target = spec;
            for step in reference.trim_start_matches("#/").split('/') {
                target = target.get(step).unwrap_or(&Yaml::Null);
            }
            v = target.clone();
        }
        v
    };
    let op = spec
        .get("paths")
        .and_then(Yaml::as_mapping)
        .into_iter()
        .flat_map(|paths| paths.values())
        .flat_map(|item| item.as_mapping().into_iter().flat_map(|m| m.values()))
        .find(|op| op.get("operationId").and_then(Yaml::as_str) == Some(operation))
        .ok_or_else(|| format!("{operation} is not in the spec"))?;
    let response = resolve(&op["responses"]["200"]);
    let media = &response["content"]["application/json"];
    let mut examples: Vec<Yaml> = media.get("example").cloned().into_iter().collect();
    for example in media.get("examples").and_then(Yaml::as_mapping).into_iter().flat_map(|e| e.values()) {
        examples.extend(resolve(example).get("value").cloned());
    }
    let items: Vec<Yaml> =
        examples.into_iter().flat_map(|e| if let Yaml::Sequence(items) = e { items } else { vec![e] }).collect();
    if items.is_empty() {
        return Err(format!("{operation} has no example").into());
    }
    let page: Vec<Yaml> = items.iter().cycle().take(count).cloned().collect();
    // serde_json's `Value` keeps members sorted; the YAML value keeps them in the spec's order.
    let json = if sorted { serde_json::to_vec(&serde_json::to_value(&page)?)? } else { serde_json::to_vec(&page)? };
    Ok(json.into())
}

/// Decodes `body` once as `Vec<T>` (checking the item count and the exact round trip) and prints the allocations
/// per item, typed and as `Value`.
fn check_and_count<T: DeserializeOwned + serde::Serialize>(name: &str, body: &[u8], count: usize) -> Res<()> {
    let exact = |items: &[T], value: &Value| serde_json::to_value(items).is_ok_and(|v| v == *value);
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    let items: Vec<T> = serde_json::from_slice(body)?;
    let typed = ALLOCATIONS.load(Ordering::Relaxed) - before;
    if items.len() != count {
        return Err(format!("{name}: {} items, expected {count}", items.len()).into());
    }
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    let value: Value = serde_json::from_slice(body)?;
    let untyped = ALLOCATIONS.load(Ordering::Relaxed) - before;
    // The plain structs are not lossless (that is what they are the floor of): only the lossless models must be.
    if !plain() && !exact(&items, &value) {
        return Err(format!("{name}: the page is not written back exactly").into());
    }
    let sonic: Vec<T> = sonic_rs::from_slice(body)?;
    let simd: Vec<T> = simd_json::serde::from_slice(&mut body.to_vec())?;
    println!(
        "exact round trip: {name}: serde_json {}, sonic-rs {}, simd-json {}",
        exact(&items, &value),
        exact(&sonic, &value),
        exact(&simd, &value)
    );
    let per_item = |n: u64| n as f64 / count as f64;
    println!(
        "allocations: {name}: {} bytes, {:.1} per item typed, {:.1} per item as Value",
        body.len(),
        per_item(typed),
        per_item(untyped)
    );
    Ok(())
}

/// Whether this build's models are the plain-struct floor (`OKTA_CODEGEN_PLAIN_SERDE`, set for the build and the run).
fn plain() -> bool {
    std::env::var_os("OKTA_CODEGEN_PLAIN_SERDE").is_some_and(|v| !v.is_empty())
}

fn group<'a>(c: &'a mut Criterion, name: &str, bytes: usize) -> criterion::BenchmarkGroup<'a, WallTime> {
    let mut group = c.benchmark_group(format!("decode_{name}_200"));
    group
        .throughput(Throughput::Bytes(bytes as u64))
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    group
}

fn bench_page<T: DeserializeOwned + Lenient>(c: &mut Criterion, name: &str, body: &[u8]) {
    let models = if plain() { "plain_structs" } else { "lossless" };
    let mut group = group(c, name, body.len());
    // What a listing does with each page: the runtime's decode (lenient, with its context). Not for the plain
    // build, whose models decode leniently only through a `Value`.
    if !plain() {
        let headers = reqwest::header::HeaderMap::new();
        group.bench_function("sdk_decode_model", |b| {
            b.iter(|| {
                okta_management::decode::model::<Vec<T>>(
                    "list",
                    reqwest::StatusCode::OK,
                    &headers,
                    black_box(body),
                    okta_management::decode::Decoding::Lenient,
                )
                .map(|v| v.len())
            })
        });
    }
    group.bench_function(models, |b| b.iter(|| serde_json::from_slice::<Vec<T>>(black_box(body)).map(|v| v.len())));
    // The body checked as UTF-8 once, then read as text (serde_json then checks no string on its own): the runtime's way.
    group.bench_function(format!("{models}_utf8_once"), |b| {
        b.iter(|| {
            let text = std::str::from_utf8(black_box(body)).map_err(|e| e.to_string())?;
            serde_json::from_str::<Vec<T>>(text).map(|v| v.len()).map_err(|e| e.to_string())
        })
    });
    group.bench_function(format!("{models}_sonic_rs"), |b| {
        b.iter(|| sonic_rs::from_slice::<Vec<T>>(black_box(body)).map(|v| v.len()))
    });
    // simd-json parses in place: the copy of the body is part of its cost, as it would be for a response body.
    group.bench_function(format!("{models}_simd_json"), |b| {
        b.iter(|| simd_json::serde::from_slice::<Vec<T>>(&mut black_box(body).to_vec()).map(|v| v.len()))
    });
    group.bench_function("json_value", |b| {
        b.iter(|| serde_json::from_slice::<Value>(black_box(body)).map(|v| v.is_array()))
    });
    group.finish();
}

/// The items of a union page as (discriminator, JSON), for [`bench_known_variant`].
fn split_by_tag(body: &[u8], tag: &str) -> Res<Vec<(String, String)>> {
    // Each item's text as it is in the page (a `Value` would sort its members).
    let items: Vec<Box<serde_json::value::RawValue>> = serde_json::from_slice(body)?;
    let tag_of = |json: &str| -> Res<String> {
        let item: Value = serde_json::from_str(json)?;
        Ok(item[tag].as_str().unwrap_or_default().to_owned())
    };
    items.iter().map(|item| Ok((tag_of(item.get())?, item.get().to_owned()))).collect()
}

/// Each item decoded straight into the variant its discriminator names, known in advance: the union's floor.
fn bench_known_variant<T>(
    c: &mut Criterion,
    name: &str,
    items: &[(String, String)],
    decode: fn(&str, &str) -> Result<T, serde_json::Error>,
) {
    let models = if plain() { "plain_structs" } else { "lossless" };
    if let Some(error) = items.iter().find_map(|(tag, json)| decode(tag, json).err()) {
        println!("{models}: {name}: an item does not decode into its variant: {error}");
        return;
    }
    let bytes = items.iter().map(|(_, json)| json.len()).sum();
    let mut group = group(c, name, bytes);
    group.bench_function(format!("{models}_known_variant"), |b| {
        b.iter(|| items.iter().map(|(tag, json)| decode(tag, black_box(json))).collect::<Result<Vec<T>, _>>())
    });

    group.finish();
}

fn main() -> Res<()> {
    let spec_text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/spec/okta-management-2026.06.3.yaml"))?;
    let spec: Yaml = serde_norway::from_str(&spec_text)?;
    let users = users_page()?;
    let groups = page_from_examples(&spec, "listGroups", 200, false)?;
    let apps = page_from_examples(&spec, "listApplications", 200, false)?;
    let events = page_from_examples(&spec, "listLogEvents", 200, false)?;
    let policies = page_from_examples(&spec, "listPolicies", 200, false)?;
    let apps_sorted = page_from_examples(&spec, "listApplications", 200, true)?;
    let policies_sorted = page_from_examples(&spec, "listPolicies", 200, true)?;
    // The plain structs fail on some of the spec's own examples (what lossless decoding is for): such a page is
    // reported and has no plain floor.
    let decodes = |result: Res<()>, name: &str| match result {
        Ok(()) => true,
        Err(e) if plain() => {
            println!("plain structs: {name}: the page does not decode: {e}");
            false
        }
        Err(e) => panic!("{name}: {e}"),
    };
    /// A page: its name, its body, how it is checked and how it is timed.
    type Page<'a> = (&'a str, &'a [u8], fn(&str, &[u8], usize) -> Res<()>, fn(&mut Criterion, &str, &[u8]));
    let pages: [Page<'_>; 7] = [
        ("users", &users, check_and_count::<User>, bench_page::<User>),
        ("groups", &groups, check_and_count::<Group>, bench_page::<Group>),
        ("apps", &apps, check_and_count::<Application>, bench_page::<Application>),
        ("log_events", &events, check_and_count::<LogEvent>, bench_page::<LogEvent>),
        ("policies", &policies, check_and_count::<Policy>, bench_page::<Policy>),
        ("apps_sorted", &apps_sorted, check_and_count::<Application>, bench_page::<Application>),
        ("policies_sorted", &policies_sorted, check_and_count::<Policy>, bench_page::<Policy>),
    ];
    let decoding: Vec<bool> =
        pages.iter().map(|(name, body, check, _)| decodes(check(name, body, 200), name)).collect();

    let mut c = Criterion::default().configure_from_args();
    for ((name, body, _, bench), ok) in pages.iter().zip(decoding) {
        if ok {
            bench(&mut c, name, body);
        }
    }
    let app_items = split_by_tag(&apps, Application::DISCRIMINATOR)?;
    bench_known_variant(&mut c, "apps", &app_items, |tag, json| {
        Application::decode_known_variant(tag, &mut serde_json::Deserializer::from_str(json))
    });
    let policy_items = split_by_tag(&policies, Policy::DISCRIMINATOR)?;
    bench_known_variant(&mut c, "policies", &policy_items, |tag, json| {
        Policy::decode_known_variant(tag, &mut serde_json::Deserializer::from_str(json))
    });
    c.final_summary();
    Ok(())
}
