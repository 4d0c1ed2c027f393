//! `/v1/prompts`: a team's prompts kept, changed and deleted, and found again by relevance
//! through the database's full-text index on both databases.

use assay_core::Plan;
use serde_json::{Value, json};

use crate::helpers::{TestApp, json_of, on_both_databases};

on_both_databases!(prompts_are_kept_and_found_by_relevance);

fn ids_of(found: &Value) -> Vec<String> {
    found["results"].as_array().expect("results").iter().map(|p| p["id"].as_str().expect("id").to_owned()).collect()
}

async fn prompts_are_kept_and_found_by_relevance(app: TestApp) {
    let acme = app.team("prompts-acme", Plan::Pro).await;
    let other = app.team("prompts-other", Plan::Pro).await;
    for bad in [json!({}), json!({"text": []}), json!({"text": [{"role": 5}]}), json!({"text": "  "})] {
        let (status, answer) = json_of(app.post_json("/v1/prompts", &acme.key, &bad).await).await;
        assert_eq!((status, answer["error"].as_str()), (400, Some("invalid_request")), "{bad}: {answer}");
    }
    let mut ids = Vec::new();
    for body in [
        json!({"text": [{"role": "user", "content": "How do I get a refund for a damaged parcel?"}], "config_id": "support"}),
        json!({"text": "Where is my parcel? Tracking says it was delivered.", "tags": ["shipping"]}),
        json!({"text": "Write me a poem about the sea.", "description": "creative writing"}),
        json!({"text": "Can I return shoes after thirty days?", "tags": ["refund"], "description": "Returns desk"}),
    ] {
        let (status, prompt) = json_of(app.post_json("/v1/prompts", &acme.key, &body).await).await;
        assert_eq!(status, 200, "{prompt}");
        ids.push(prompt["id"].as_str().expect("id").to_owned());
    }
    let (refund_parcel, where_parcel, poem, returns) = (&ids[0], &ids[1], &ids[2], &ids[3]);
    let (_, second) = json_of(app.get(&format!("/v1/prompts/{where_parcel}"), &acme.key).await).await;
    assert_eq!(
        second["text"],
        json!([{"role": "user", "content": "Where is my parcel? Tracking says it was delivered."}]),
        "a string is a user message"
    );

    // Listed, by id too; another team sees none of them.
    let (_, listed) = json_of(app.get("/v1/prompts", &acme.key).await).await;
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    assert_eq!((listed["count"].as_i64(), sorted(ids_of(&listed))), (Some(4), sorted(ids.clone())));
    let (_, named) = json_of(app.get(&format!("/v1/prompts?ids={poem}&ids={returns}"), &acme.key).await).await;
    assert_eq!(ids_of(&named), vec![poem.clone(), returns.clone()], "in the order named");
    assert_eq!(app.get(&format!("/v1/prompts/{poem}"), &other.key).await.status(), 404);
    let (_, theirs) = json_of(app.get("/v1/prompts/search/find?query=parcel", &other.key).await).await;
    assert_eq!(theirs["count"], 0, "{theirs}");

    // Ranked by relevance: both words beat one; an unrelated prompt is not found.
    let (status, found) = json_of(app.get("/v1/prompts/search/find?query=refund%20parcel", &acme.key).await).await;
    assert_eq!(status, 200, "{found}");
    let order = ids_of(&found);
    assert_eq!(order.first(), Some(refund_parcel), "{found}");
    assert_eq!(found["count"], 3, "{found}");
    assert!(!order.contains(poem), "{found}");
    let relevance: Vec<f64> =
        found["results"].as_array().expect("results").iter().map(|p| p["relevance"].as_f64().expect("relevance")).collect();
    assert!(relevance.windows(2).all(|w| w[0] >= w[1]), "most relevant first: {relevance:?}");
    // Words, not substrings: a stemmed form matches, a fragment does not.
    let (_, stemmed) = json_of(app.get("/v1/prompts/search/find?query=refunds", &acme.key).await).await;
    assert!(ids_of(&stemmed).contains(refund_parcel) && ids_of(&stemmed).contains(returns), "{stemmed}");
    let (_, fragment) = json_of(app.get("/v1/prompts/search/find?query=parc", &acme.key).await).await;
    assert_eq!(fragment["count"], 0, "{fragment}");
    // nearest_neighbors bounds the set; limit and offset page through it.
    let (_, nearest) = json_of(app.get("/v1/prompts/search/find?query=refund%20parcel&nearest_neighbors=1", &acme.key).await).await;
    assert_eq!((nearest["count"].as_u64(), ids_of(&nearest)), (Some(1), vec![refund_parcel.clone()]));
    let (_, page) = json_of(app.get("/v1/prompts/search/find?query=refund%20parcel&limit=1&offset=1", &acme.key).await).await;
    assert_eq!((page["count"].as_u64(), ids_of(&page)), (Some(3), vec![order[1].clone()]));
    for bad in ["query=%22%3A%28%29", "query=parcel&nearest_neighbors=0", "query=parcel&limit=-1", "limit=3"] {
        assert_eq!(app.get(&format!("/v1/prompts/search/find?{bad}"), &acme.key).await.status(), 400, "{bad}");
    }

    // A change is searchable at once; the old words no longer find it; a delete removes it.
    let (status, changed) =
        json_of(app.put_json(&format!("/v1/prompts/{poem}"), &acme.key, &json!({"text": "Write a haiku about lighthouses."})).await).await;
    assert_eq!((status, changed["description"].as_str()), (200, Some("creative writing")), "untouched fields stay: {changed}");
    let (_, lighthouse) = json_of(app.get("/v1/prompts/search/find?query=lighthouse", &acme.key).await).await;
    assert_eq!(ids_of(&lighthouse), vec![poem.clone()]);
    let (_, sea) = json_of(app.get("/v1/prompts/search/find?query=sea", &acme.key).await).await;
    assert_eq!(sea["count"], 0, "{sea}");
    assert_eq!(app.delete(&format!("/v1/prompts/{refund_parcel}"), &other.key).await.status(), 404);
    let (status, _) = json_of(app.delete(&format!("/v1/prompts/{refund_parcel}"), &acme.key).await).await;
    assert_eq!(status, 200);
    let (_, after) = json_of(app.get("/v1/prompts/search/find?query=damaged", &acme.key).await).await;
    assert_eq!(after["count"], 0, "{after}");
}
