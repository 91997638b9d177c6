"""Canonical article URLs and the stable article id derived from them.

``canonical_url`` maps the many spellings of one article's address (tracking parameters, AMP
variants, fragments, default ports, trailing slashes, parameter order, host case) to one string;
``article_id`` hashes that string into the short id the store uses as the article key.
Pure functions over strings: no network access.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

# Query parameters that never change which article a URL names.
_TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gclsrc",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "wbraid",
        "gbraid",
        "mc_cid",
        "mc_eid",
        "ocid",
        "cmpid",
        "cmp",
        "smid",
        "smtyp",
        "taid",
        "ref",
        "ref_src",
        "ref_url",
        "referrer",
        "src",
        "source",
        "at_medium",
        "at_campaign",
        "at_custom1",
        "at_custom2",
        "at_custom3",
        "at_custom4",
        "at_link",
        "at_format",
        "at_ptr_name",
        "at_bbc_team",
        "at_link_id",
        "at_link_type",
        "at_link_origin",
        "s_cid",
        "s_kwcid",
        "sr_share",
        "ito",
        "itm_source",
        "itm_medium",
        "itm_campaign",
        "itm_content",
        "mbid",
        "ncid",
        "feedtype",
        "amp",
        "_ga",
        "_gl",
        "__twitter_impression",
        "guccounter",
        "guce_referrer",
        "guce_referrer_sig",
        "spm",
        "xtor",
        "wt.mc_id",
        "wt_mc_id",
        "ns_mchannel",
        "ns_source",
        "ns_campaign",
        "ns_linkname",
        "ns_fee",
        "vero_id",
        "mkt_tok",
        "hsctatracking",
        "_hsenc",
        "_hsmi",
        "oly_anon_id",
        "oly_enc_id",
        "rb_clickid",
        "soc_src",
        "soc_trk",
        "trk",
        "trkcampaign",
    }
)
_TRACKING_PREFIXES = ("utm_", "at_", "itm_", "pk_", "mtm_", "hmb_", "ga_", "wt.", "ns_")
# Parameters dropped only when they select the AMP rendering ("?outputType=amp").
_AMP_VALUED_PARAMS = frozenset({"outputtype", "output", "format", "view", "platform"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_AMP_HOST = re.compile(r"^amp\.", re.I)
_AMP_PATH_SEGMENT = re.compile(r"/amp(?=/|$)", re.I)
_AMP_SUFFIX = re.compile(r"(?:\.amp|-amp|_amp)(?=\.html?$|$)", re.I)
_AMP_EXT = re.compile(r"\.amp\.html?$", re.I)
_MULTI_SLASH = re.compile(r"/{2,}")


def _is_tracking(name: str, value: str) -> bool:
    low = name.lower()
    if low in _AMP_VALUED_PARAMS:
        return value.lower() == "amp"
    return low in _TRACKING_PARAMS or low.startswith(_TRACKING_PREFIXES)


def _clean_path(path: str) -> str:
    path = _MULTI_SLASH.sub("/", path or "/")
    # AMP variants: /amp/ segment, trailing /amp, .amp.html, -amp / .amp suffix
    path = _AMP_EXT.sub(".html", path)
    path = _AMP_PATH_SEGMENT.sub("", path) or "/"
    path = _AMP_SUFFIX.sub("", path) or "/"
    # Normalise percent-encoding: decode then re-encode the characters that need it.
    path = quote(unquote(path), safe="/:@!$&'()*+,;=-._~%")
    path = re.sub(r"/index\.(?:html?|php|aspx?)$", "/", path, flags=re.I)
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    return path


def canonical_url(url: str) -> str:
    """The canonical spelling of an article URL.

    Lowercases scheme and host; drops default ports, user info, the fragment, tracking
    parameters and AMP variants (``amp.`` host, ``/amp/`` segment, ``.amp`` suffix, ``?amp``,
    Google AMP-cache addresses); removes trailing slashes and sorts the remaining query
    parameters.  ``www.`` is kept (it may name a different site).  A string that does not look
    like an absolute http(s) URL is returned stripped but otherwise unchanged.
    """
    raw = (url or "").strip()
    if raw.startswith("//"):
        raw = "https:" + raw
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        return raw
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return raw
    host = parts.hostname.lower().rstrip(".")
    host = _AMP_HOST.sub("", host)
    if host.endswith(".cdn.ampproject.org"):
        # https://www-example-com.cdn.ampproject.org/c/s/www.example.com/path -> origin URL
        m = re.match(r"^/(?:[a-z]/)*(?:s/)?([^/]+)(/.*)?$", parts.path)
        if m:
            inner_scheme = "https" if "/s/" in parts.path[:8] else "http"
            inner = f"{inner_scheme}://{m.group(1)}{m.group(2) or '/'}"
            if parts.query:
                inner += "?" + parts.query
            return canonical_url(inner)
    netloc = host
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        netloc = f"{host}:{port}"
    path = _clean_path(parts.path)
    params = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k and not _is_tracking(k, v)
    ]
    query = urlencode(sorted(params), doseq=False)
    if path == "/" and not query:
        path = ""
    return urlunsplit((scheme, netloc, path, query, ""))


def article_id(canonical: str) -> str:
    """A stable short id for an article: the first 16 hex digits of sha256(canonical URL)."""
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]
