//! Paged listings can run in `tokio::spawn` on a multi-threaded runtime (the futures and streams of
//! `Paginated` are `Send`). Before the bounds were spelled out, `tokio::spawn` of a listing did not compile
//! ("implementation of `Paginated` is not general enough"), so this file is first of all a compile test.
#![cfg(all(feature = "mock", feature = "groups"))]
#![allow(clippy::expect_used)]

use futures::TryStreamExt;
use okta_management::mock::MockOrg;

fn client(mock: &MockOrg) -> okta_management::Client {
    okta_management::Client::builder()
        .org_url(mock.base_url().as_str().trim_end_matches('/'))
        .token(mock.token().to_string())
        .disable_https_check(true)
        .build()
        .expect("client")
}

async fn count_members(client: okta_management::Client, group: String) -> Result<Vec<String>, okta_management::Error> {
    let mut users = client.list_group_users().group_id(group).limit(7).stream();
    let mut ids = Vec::new();
    while let Some(user) = users.try_next().await? {
        ids.push(user.id.unwrap_or_default());
    }
    Ok(ids)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listings_run_in_spawned_tasks_sharing_one_client() {
    let mock = MockOrg::builder().start().await.expect("mock");
    let users = mock.seed_users(40);
    let mut groups = Vec::new();
    for g in 0..8usize {
        let id = mock.seed_group(&format!("spawn-{g}")).expect("group");
        // Group g has 10 + g members, so every listing spans several pages of 7 and each count is distinct.
        let members: Vec<String> = users.iter().skip(g).take(10 + g).cloned().collect();
        for user in &members {
            mock.add_group_member(&id, user).expect("member");
        }
        groups.push((id, members));
    }
    let client = client(&mock);
    let tasks: Vec<_> = groups.iter().map(|(id, _)| tokio::spawn(count_members(client.clone(), id.clone()))).collect();
    for (task, (_, members)) in tasks.into_iter().zip(&groups) {
        let mut got = task.await.expect("task").expect("listing");
        let mut want = members.clone();
        got.sort();
        want.sort();
        assert_eq!(got, want);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_and_stream_of_list_users_are_send() {
    let mock = MockOrg::builder().seed_users(25).start().await.expect("mock");
    let client = client(&mock);
    let c = client.clone();
    let pages = tokio::spawn(async move { c.list_users().limit(10).pages().try_collect::<Vec<_>>().await });
    let items = tokio::spawn(async move { client.list_users().limit(10).stream().try_collect::<Vec<_>>().await });
    let pages = pages.await.expect("task").expect("pages");
    assert_eq!(pages.iter().map(|p| p.items.len()).collect::<Vec<_>>(), vec![10, 10, 5]);
    assert_eq!(items.await.expect("task").expect("items").len(), 25);
}
