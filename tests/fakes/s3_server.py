"""A real S3-compatible server over HTTP for tests: moto in server mode, on a free port.

Moto accepts any presigned URL (it checks neither the signature nor the expiry), so the
server here puts a small WSGI check in front of it that does what S3 does with a presigned
(SigV4 query) URL: recompute the signature with the (fake) secret key, refuse a forged one
with 403 SignatureDoesNotMatch and an expired one with 403 AccessDenied. The clock it
judges expiry by is injectable (``server.now``), so no test waits.
"""

from __future__ import annotations

import hmac
import threading
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlencode

from botocore.auth import S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from werkzeug.serving import make_server

FAKE_KEY_ID = "FAKEKEYIDFORTESTS000"
FAKE_SECRET = "fake-secret-for-tests-only-0000000000000"
REGION = "us-east-1"
AWS_ENV = {
    "AWS_ACCESS_KEY_ID": FAKE_KEY_ID,
    "AWS_SECRET_ACCESS_KEY": FAKE_SECRET,
    "AWS_DEFAULT_REGION": REGION,
}


def _error(start_response: Any, code: str, message: str) -> list[bytes]:
    body = f"<Error><Code>{code}</Code><Message>{message}</Message></Error>".encode()
    start_response("403 Forbidden", [("Content-Type", "application/xml"),
                                     ("Content-Length", str(len(body)))])  # fmt: skip
    return [body]


class PresignCheck:
    """WSGI middleware: presigned GETs must carry a valid, unexpired SigV4 signature."""

    def __init__(self, app: Any, now: Any) -> None:
        self.app = app
        self.now = now

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        if "Signature" in query:  # SigV2 query auth: Parlante signs with SigV4 only
            return _error(start_response, "AccessDenied", "SigV2 is not accepted here")
        if "X-Amz-Signature" in query:
            problem = self._problem(environ, query)
            if problem:
                return _error(start_response, *problem)
        return self.app(environ, start_response)

    def _problem(self, environ: dict[str, Any], query: dict[str, list[str]]) -> tuple | None:
        one = {k: v[0] for k, v in query.items()}
        try:
            stamp = datetime.strptime(one["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            expires = int(one["X-Amz-Expires"])
            key_id = one["X-Amz-Credential"].split("/")[0]
        except (KeyError, ValueError):
            return ("AuthorizationQueryParametersError", "bad presigned parameters")
        if key_id != FAKE_KEY_ID:
            return ("InvalidAccessKeyId", "unknown access key")
        if self.now() > stamp.timestamp() + expires:
            return ("AccessDenied", "Request has expired")
        host = environ.get("HTTP_HOST", "")
        rest = {k: v for k, v in query.items() if not k.startswith("X-Amz-")}  # signer adds them
        url = f"http://{host}{environ.get('RAW_URI', environ['PATH_INFO']).split('?')[0]}"
        request = AWSRequest(method=environ["REQUEST_METHOD"],
                             url=f"{url}?{urlencode(rest, doseq=True)}",
                             headers={"host": host})  # fmt: skip
        auth = S3SigV4QueryAuth(Credentials(FAKE_KEY_ID, FAKE_SECRET), "s3", REGION, expires)
        request.context["timestamp"] = one["X-Amz-Date"]
        auth._modify_request_before_signing(request)
        signature = auth.signature(auth.string_to_sign(request, auth.canonical_request(request)),
                                   request)  # fmt: skip
        if not hmac.compare_digest(signature, one["X-Amz-Signature"]):
            return ("SignatureDoesNotMatch", "The request signature does not match")
        return None


class S3Server:
    """moto's S3 over HTTP on 127.0.0.1 and a free port; ``endpoint`` is its URL."""

    def __init__(self) -> None:
        from moto.server import DomainDispatcherApplication, create_backend_app

        self.offset = 0.0  # seconds added to the clock the presign check uses
        app = DomainDispatcherApplication(create_backend_app)
        self._server = make_server("127.0.0.1", 0, PresignCheck(app, self.now), threaded=True)
        self.endpoint = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def now(self) -> float:
        return time.time() + self.offset

    def start(self) -> S3Server:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def client(self) -> Any:
        import boto3

        return boto3.client(
            "s3", endpoint_url=self.endpoint, region_name=REGION,
            aws_access_key_id=FAKE_KEY_ID, aws_secret_access_key=FAKE_SECRET,
        )  # fmt: skip

    def create_bucket(self, name: str) -> None:
        self.client().create_bucket(Bucket=name)

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(
            Bucket=bucket, Prefix=prefix)  # fmt: skip
        return sorted(o["Key"] for page in pages for o in page.get("Contents", []))


class NoSigning:
    """A store filesystem that cannot sign (GCS with a VM's metadata credentials)."""

    def __init__(self, inner: object) -> None:
        self.inner = inner

    def sign(self, path: str, expiration: int = 0) -> str:
        raise AttributeError("you need a private key to sign credentials")

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)
