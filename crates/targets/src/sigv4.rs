//! AWS Signature Version 4: the `Authorization` header that signs a request to an AWS API
//! (Bedrock) with an access key. The canonical request (method, path with each segment
//! encoded again, sorted query, signed headers, the payload's SHA-256) is hashed into a string
//! to sign, which a key derived from the secret, the date, the region and the service signs.

use assay_core::civil_time::CivilTime;
use sha2::{Digest, Sha256};

/// An AWS access key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsCredentials {
    pub access_key: String,
    pub secret_key: String,
    /// For temporary credentials.
    pub session_token: Option<String>,
}

/// What is signed of one request.
#[derive(Debug, Clone)]
pub struct SignedRequest<'a> {
    pub method: &'a str,
    pub host: &'a str,
    /// The path as sent (its segments already URI-encoded once).
    pub path: &'a str,
    /// `name=value` pairs, encoded, as sent.
    pub query: &'a str,
    /// Headers to sign besides `host` and `x-amz-date`, names in lowercase.
    pub headers: &'a [(&'a str, &'a str)],
    pub payload: &'a [u8],
}

pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.iter().map(|b| b ^ byte).collect::<Vec<u8>>();
    let inner = Sha256::new().chain_update(pad(0x36)).chain_update(message).finalize();
    Sha256::new().chain_update(pad(0x5c)).chain_update(inner).finalize().into()
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The key that signs requests of `date` (`YYYYMMDD`) to `service` in `region`.
pub fn signing_key(secret_key: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
    let date_key = hmac_sha256(format!("AWS4{secret_key}").as_bytes(), date.as_bytes());
    let region_key = hmac_sha256(&date_key, region.as_bytes());
    let service_key = hmac_sha256(&region_key, service.as_bytes());
    hmac_sha256(&service_key, b"aws4_request")
}

/// URI-encodes as SigV4 asks: everything but unreserved characters (`/` kept when `keep_slash`).
pub fn uri_encode(text: &str, keep_slash: bool) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(byte as char),
            b'/' if keep_slash => out.push('/'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The canonical request's text. Non-S3 services encode each path segment a second time.
pub fn canonical_request(request: &SignedRequest<'_>, amz_date: &str) -> (String, String) {
    let path = if request.path.is_empty() { "/".to_owned() } else { uri_encode(request.path, true) };
    let mut query: Vec<&str> = request.query.split('&').filter(|p| !p.is_empty()).collect();
    query.sort_unstable();
    let mut headers: Vec<(String, String)> = request.headers.iter().map(|(n, v)| (n.to_ascii_lowercase(), v.trim().to_owned())).collect();
    headers.push(("host".into(), request.host.to_owned()));
    headers.push(("x-amz-date".into(), amz_date.to_owned()));
    headers.sort();
    let canonical_headers: String = headers.iter().map(|(n, v)| format!("{n}:{v}\n")).collect();
    let signed: Vec<&str> = headers.iter().map(|(n, _)| n.as_str()).collect();
    let signed = signed.join(";");
    let text = format!("{}\n{path}\n{}\n{canonical_headers}\n{signed}\n{}", request.method, query.join("&"), sha256_hex(request.payload));
    (text, signed)
}

/// The `Authorization` header value for `request` at `amz_date` (`YYYYMMDDTHHMMSSZ`).
pub fn authorization(credentials: &AwsCredentials, region: &str, service: &str, request: &SignedRequest<'_>, amz_date: &str) -> String {
    let date = &amz_date[..8.min(amz_date.len())];
    let (canonical, signed_headers) = canonical_request(request, amz_date);
    let scope = format!("{date}/{region}/{service}/aws4_request");
    let to_sign = format!("AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}", sha256_hex(canonical.as_bytes()));
    let signature = hex::encode(hmac_sha256(&signing_key(&credentials.secret_key, date, region, service), to_sign.as_bytes()));
    format!("AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={signed_headers}, Signature={signature}", credentials.access_key)
}

/// `YYYYMMDDTHHMMSSZ` of a Unix time.
pub fn amz_date(unix_secs: u64) -> String {
    let t = CivilTime::from_unix(i64::try_from(unix_secs).unwrap_or(i64::MAX));
    format!("{:04}{:02}{:02}T{:02}{:02}{:02}Z", t.year, t.month, t.day, t.hour, t.minute, t.second)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// AWS's published example: IAM `ListUsers`, 2015-08-30 12:36:00 UTC.
    fn example() -> (AwsCredentials, SignedRequest<'static>) {
        let credentials = AwsCredentials {
            access_key: "AKIDEXAMPLE".into(),
            secret_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
            session_token: None,
        };
        let request = SignedRequest {
            method: "GET",
            host: "iam.amazonaws.com",
            path: "/",
            query: "Version=2010-05-08&Action=ListUsers",
            headers: &[("content-type", "application/x-www-form-urlencoded; charset=utf-8")],
            payload: b"",
        };
        (credentials, request)
    }

    #[test]
    fn the_published_example_signs_to_the_published_signature() {
        let (credentials, request) = example();
        let (canonical, _) = canonical_request(&request, "20150830T123600Z");
        assert_eq!(sha256_hex(canonical.as_bytes()), "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
        assert_eq!(
            authorization(&credentials, "us-east-1", "iam", &request, "20150830T123600Z"),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
        );
    }

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        assert_eq!(
            hex::encode(hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn dates_are_utc_calendar_dates() {
        assert_eq!(amz_date(1_440_938_160), "20150830T123600Z");
        assert_eq!(amz_date(951_782_400), "20000229T000000Z");
    }

    #[test]
    fn path_segments_are_encoded_again_for_the_canonical_request() {
        assert_eq!(uri_encode("/model/anthropic.claude-v2%3A1/converse", true), "/model/anthropic.claude-v2%253A1/converse");
    }
}
