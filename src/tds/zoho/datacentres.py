"""Zoho data centres: the accounts server and Books API base of each, and the overrides (pure).

Precedence for the API base: `ZohoSettings.api_base_url`, then the `api_domain` of the token
response, then the data centre's table entry. For the accounts server: `ZohoSettings.accounts_url`,
then the table. An override given without a path (`http://127.0.0.1:8090`) gets `/books/v3`
appended, so it may name either an emulator's root or its full Books base.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from urllib.parse import urlsplit

from tds.config import ZohoSettings
from tds.errors import ConfigurationError

BOOKS_PATH = "/books/v3"
TOKEN_PATH = "/oauth/v2/token"


@dataclass(frozen=True)
class DataCentre:
    """One Zoho data centre: where its tokens are refreshed and where its Books API lives."""

    code: str
    accounts_url: str
    api_domain: str

    @property
    def api_base_url(self) -> str:
        return self.api_domain + BOOKS_PATH


DATA_CENTRES = MappingProxyType(
    {
        "com": DataCentre("com", "https://accounts.zoho.com", "https://www.zohoapis.com"),
        "eu": DataCentre("eu", "https://accounts.zoho.eu", "https://www.zohoapis.eu"),
        "in": DataCentre("in", "https://accounts.zoho.in", "https://www.zohoapis.in"),
        "com.au": DataCentre("com.au", "https://accounts.zoho.com.au", "https://www.zohoapis.com.au"),
        "jp": DataCentre("jp", "https://accounts.zoho.jp", "https://www.zohoapis.jp"),
        # Canada's accounts server is zohocloud.ca, not zoho.ca (Zoho Books OAuth page).
        "ca": DataCentre("ca", "https://accounts.zohocloud.ca", "https://www.zohoapis.ca"),
        "sa": DataCentre("sa", "https://accounts.zoho.sa", "https://www.zohoapis.sa"),
        "com.cn": DataCentre("com.cn", "https://accounts.zoho.com.cn", "https://www.zohoapis.com.cn"),
    }
)


def data_centre(code: str) -> DataCentre:
    """The data centre for a settings code (`com`, `eu`, `ca`, ...)."""
    try:
        return DATA_CENTRES[code]
    except KeyError as exc:
        raise ConfigurationError(f"unknown Zoho data centre {code!r}", data_centre=code) from exc


def accounts_url(settings: ZohoSettings) -> str:
    """The accounts server that refreshes this installation's tokens."""
    if settings.accounts_url:
        return settings.accounts_url.rstrip("/")
    return data_centre(settings.data_centre).accounts_url


def token_url(settings: ZohoSettings) -> str:
    return accounts_url(settings) + TOKEN_PATH


def api_base_url(settings: ZohoSettings, api_domain: str | None = None) -> str:
    """The Books API base every path is appended to (no trailing slash)."""
    if settings.api_base_url:
        return _books_base(settings.api_base_url)
    if api_domain:
        return _books_base(api_domain)
    return data_centre(settings.data_centre).api_base_url


def _books_base(url: str) -> str:
    url = url.rstrip("/")
    return url + BOOKS_PATH if urlsplit(url).path in ("", "/") else url
