"""Signed links for complainants: the tracking page of one complaint, and the list of
every complaint of an email address. Signed with the application's SECRET_KEY and a salt
per purpose (a "my requests" link never opens a tracking page), valid for a while."""

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

TRACK, REQUESTS = "public-track", "public-requests"
DAY = 86400


def make_token(secret: str, purpose: str, payload) -> str:
    """A URL-safe token carrying ``payload``, signed for ``purpose``."""
    return URLSafeTimedSerializer(secret, salt=purpose).dumps(payload)


def read_token(secret: str, purpose: str, token: str, max_age_days: float):
    """The payload of a valid token, or None when it is forged, of another purpose or
    older than ``max_age_days``."""
    serializer = URLSafeTimedSerializer(secret, salt=purpose)
    try:
        return serializer.loads(token or "", max_age=int(max_age_days * DAY))
    except (BadSignature, SignatureExpired, ValueError, TypeError):
        return None


def track_token(secret: str, complaint) -> str:
    payload = {"c": complaint.id, "e": (complaint.complainant_email or "").lower()}
    if not complaint.complainant_email and complaint.complainant_phone:
        # A complainant with a phone and no email (texted by SMS): the link is theirs.
        payload["p"] = complaint.complainant_phone
    return make_token(secret, TRACK, payload)


def requests_token(secret: str, email: str) -> str:
    return make_token(secret, REQUESTS, {"e": email.strip().lower()})


def base_url(config, request_url: str | None = None) -> str:
    """Where complainants reach the portal: PUBLIC_BASE_URL, else ``request_url`` (the
    address of the request being served, if any), else http://HOST:PORT."""
    configured = (config.get("PUBLIC_BASE_URL") or "").strip()
    if configured:
        return configured.rstrip("/")
    if request_url:
        return request_url.rstrip("/")
    return f"http://{config.get('HOST') or '127.0.0.1'}:{config.get('PORT') or 5000}"


def track_url(config, complaint, request_url: str | None = None) -> str:
    """The absolute, signed link to the complaint's tracking page."""
    token = track_token(config["SECRET_KEY"], complaint)
    return f"{base_url(config, request_url)}/public/track/{token}"


def requests_url(config, email: str, request_url: str | None = None) -> str:
    """The absolute, signed link to the list of ``email``'s complaints."""
    token = requests_token(config["SECRET_KEY"], email)
    return f"{base_url(config, request_url)}/public/requests/{token}"
