//! Open311 GeoReport v2 by the book: reading without a key (the public
//! fields), 404 for an unknown request, the place and media of a request kept
//! and checked, an enterprise key filing for its own firm only, a service
//! definition that says what each key must send — and the PyPI client
//! `georeport` listing and following what it filed, unmodified.

use serde_json::Value;

use crate::cases::world;

async fn form(http: &reqwest::Client, url: String, fields: &[(&str, &str)]) -> (u16, Value) {
    let res = http.post(url).form(fields).send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn get(http: &reqwest::Client, url: String) -> (u16, Value) {
    let res = http.get(url).send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn open311_reads_without_a_key_and_keeps_the_place() {
    let w = world().await;
    let http = reqwest::Client::new();
    let url = |p: &str| w.app.url(&format!("/open311/v2/{p}"));
    let key = w.enterprise.token.clone();
    let staff_key = w.admin.token.clone();
    let base = [
        ("api_key", key.as_str()),
        ("service_code", "approval"),
        ("description", "通过第三方系统提交：施工许可办理慢"),
    ];
    fn plus<'a>(
        base: &[(&'a str, &'a str)],
        extra: &[(&'a str, &'a str)],
    ) -> Vec<(&'a str, &'a str)> {
        base.iter().chain(extra).copied().collect()
    }
    let with = |extra: &[(&'static str, &'static str)]| plus(&base, extra);

    // The place is checked: a number of degrees in range, both or neither.
    for bad in [
        vec![("lat", "abc"), ("long", "121.47")],
        vec![("lat", "999"), ("long", "121.47")],
        vec![("lat", "31.23"), ("long", "-181")],
        vec![("lat", "31.23")],
        vec![("lat", "NaN"), ("long", "1")],
        vec![("media_url", "javascript:alert(1)")],
    ] {
        let (status, body) = form(&http, url("requests.json"), &with(&bad)).await;
        assert_eq!(status, 400, "{bad:?}: {body}");
        assert_eq!(body[0]["code"], 400);
    }
    let (status, created) = form(
        &http,
        url("requests.json"),
        &with(&[
            ("address_string", "科创大道1号"),
            ("lat", "29.5630"),
            ("long", "106.5516"),
            ("media_url", "https://example.com/a.jpg"),
        ]),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let number = created[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_string();
    let token = created[0]["token"].as_str().unwrap().to_string();

    // With the key: the full view, place and media as sent.
    let (status, full) = get(&http, url(&format!("requests/{number}.json?api_key={key}"))).await;
    assert_eq!(status, 200, "{full}");
    assert_eq!(full[0]["address"], "科创大道1号");
    assert_eq!(full[0]["lat"], 29.563);
    assert_eq!(full[0]["long"], 106.5516);
    assert_eq!(full[0]["media_url"], "https://example.com/a.jpg");
    assert!(full[0]["description"]
        .as_str()
        .unwrap()
        .contains("施工许可"));

    // Without a key: the public fields only, never the text, place or contacts.
    let (status, public) = get(&http, url(&format!("requests/{number}.json"))).await;
    assert_eq!(status, 200, "{public}");
    let (_, discovery) = get(&http, url("discovery.json")).await;
    let allowed: Vec<&str> = discovery["public_fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for k in public[0].as_object().unwrap().keys() {
        assert!(allowed.contains(&k.as_str()), "{k} is not public");
    }
    assert_eq!(public[0]["service_request_id"], number.as_str());
    assert_eq!(public[0]["status"], "open");
    assert!(public[0].get("description").is_none() && public[0].get("address").is_none());
    let (status, listed) = get(&http, url("requests.json")).await;
    assert_eq!(status, 200);
    assert!(listed
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["service_request_id"] == number.as_str()));
    assert!(!listed.to_string().contains("施工许可"));
    let (status, t) = get(&http, url(&format!("tokens/{token}.json"))).await;
    assert_eq!(
        (status, t[0]["service_request_id"].as_str()),
        (200, Some(number.as_str()))
    );

    // Unknown request: 404; a key that is given but wrong: 403.
    let (status, body) = get(&http, url("requests/KC-1999-999999.json")).await;
    assert_eq!(
        (status, body[0]["code"].as_i64()),
        (404, Some(404)),
        "{body}"
    );
    let (status, _) = get(
        &http,
        url(&format!("requests/{number}.json?api_key=kc_nope")),
    )
    .await;
    assert_eq!(status, 403);

    // An enterprise key files for its own firm only.
    let other_uscc = crate::code(102);
    let (status, body) = form(
        &http,
        url("requests.json"),
        &plus(&base, &[("attribute[org_uscc]", other_uscc.as_str())]),
    )
    .await;
    assert_eq!(status, 403, "{body}");
    let own_uscc = crate::code(101);
    let (status, body) = form(
        &http,
        url("requests.json"),
        &plus(&base, &[("attribute[org_uscc]", own_uscc.as_str())]),
    )
    .await;
    assert_eq!(status, 201, "{body}");

    // The definition says what each key must send, and the server holds to it.
    let required = |def: &Value| def["attributes"][0]["required"].as_bool();
    let (_, def) = get(&http, url("services/approval.json")).await;
    assert_eq!(required(&def), Some(true));
    let (_, def) = get(
        &http,
        url(&format!("services/approval.json?api_key={staff_key}")),
    )
    .await;
    assert_eq!(required(&def), Some(true));
    let (_, def) = get(&http, url(&format!("services/approval.json?api_key={key}"))).await;
    assert_eq!(required(&def), Some(false));
    let staff = [
        ("api_key", staff_key.as_str()),
        ("service_code", "approval"),
        ("description", "热线转来：用地指标"),
    ];
    let (status, body) = form(&http, url("requests.json"), &staff).await;
    assert_eq!(status, 400, "{body}");
    let mut named = staff.to_vec();
    named.push(("attribute[org_uscc]", own_uscc.as_str()));
    let (status, body) = form(&http, url("requests.json"), &named).await;
    assert_eq!(status, 201, "{body}");
}

/// The script the third-party client runs: it creates a request by a form
/// POST (georeport has no create call), then lists and follows it with
/// `georeport` exactly as published, which sends no api_key when reading.
const GEOREPORT_SCRIPT: &str = r#"
import os, requests
from georeport import GeoReport
base, key = os.environ["BASE"], os.environ["KEY"]
client = GeoReport(base)
assert any(s["service_code"] == "approval" for s in client.get_service_list())
assert client.get_service_definition("approval")["service_code"] == "approval"
r = requests.post(base + "/requests.json", data={"api_key": key, "service_code": "approval",
    "description": "第三方客户端提交：厂房消防验收排期", "address_string": "科创大道8号",
    "lat": "29.5630", "long": "106.5516"})
assert r.status_code == 201, r.text
number, token = r.json()[0]["service_request_id"], r.json()[0]["token"]
assert requests.get(base + "/tokens/" + token + ".json").json()[0]["service_request_id"] == number
assert any(x["service_request_id"] == number for x in client.get_service_requests(status="open"))
one = client.get_service_request(number)
assert one["service_request_id"] == number and one["status"] == "open", one
assert "description" not in one, one
try:
    client.get_service_request("KC-1999-999999")
    raise SystemExit("an unknown request should be 404")
except requests.HTTPError as e:
    assert e.response.status_code == 404
xml = GeoReport(base, output_format="xml")
assert xml.get_service_request(number)["service_request_id"] == number
print("georeport ok")
"#;

/// The PyPI client `georeport` against the real server. CI installs it
/// (`.ci/run`) and sets KECHUANG_REQUIRE_GEOREPORT=1; elsewhere the test says
/// it skipped when the module is missing.
#[tokio::test]
async fn the_georeport_client_lists_and_follows_unmodified() {
    let python = std::env::var("KECHUANG_GEOREPORT_PYTHON").unwrap_or_else(|_| "python3".into());
    let has = std::process::Command::new(&python)
        .args(["-c", "import georeport, requests"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has {
        assert!(
            std::env::var("KECHUANG_REQUIRE_GEOREPORT").is_err(),
            "{python} has no georeport module"
        );
        eprintln!("skipped: `pip install georeport` for {python} to run the third-party client");
        return;
    }
    let w = world().await;
    let (base, key) = (w.app.url("/open311/v2"), w.enterprise.token.clone());
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(&python)
            .args(["-c", GEOREPORT_SCRIPT])
            .env("BASE", base)
            .env("KEY", key)
            .output()
    })
    .await
    .unwrap()
    .expect("run python");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success() && text.contains("georeport ok"),
        "{text}"
    );
}
