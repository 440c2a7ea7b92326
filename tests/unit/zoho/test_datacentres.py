"""Tests for the data-centre table and the precedence of overrides."""

from __future__ import annotations

from typing import get_args

import pytest

from tds.config import ZohoSettings
from tds.errors import ConfigurationError
from tds.zoho.datacentres import DATA_CENTRES, accounts_url, api_base_url, data_centre, token_url


class TestTable:
    def test_every_configurable_data_centre_has_hosts(self):
        """Each data centre the settings accept resolves to an accounts server and a Books base."""
        codes = get_args(ZohoSettings.model_fields["data_centre"].annotation)
        assert set(codes) == set(DATA_CENTRES)
        for code in codes:
            centre = data_centre(code)
            assert centre.accounts_url.startswith("https://accounts.zoho")
            assert centre.api_base_url == f"https://www.zohoapis.{code}/books/v3"

    @pytest.mark.parametrize(
        ("code", "accounts"),
        [
            ("com", "https://accounts.zoho.com"),
            ("eu", "https://accounts.zoho.eu"),
            ("in", "https://accounts.zoho.in"),
            ("com.au", "https://accounts.zoho.com.au"),
            ("jp", "https://accounts.zoho.jp"),
            ("ca", "https://accounts.zohocloud.ca"),
            ("sa", "https://accounts.zoho.sa"),
            ("com.cn", "https://accounts.zoho.com.cn"),
        ],
    )
    def test_accounts_server_per_data_centre(self, code, accounts):
        """The token is refreshed at the accounts server of the account's own data centre."""
        settings = ZohoSettings(data_centre=code)
        assert accounts_url(settings) == accounts
        assert token_url(settings) == accounts + "/oauth/v2/token"

    def test_canada_uses_zohocloud_for_accounts_but_zohoapis_for_the_api(self):
        """Canada is the odd one: accounts.zohocloud.ca, www.zohoapis.ca."""
        settings = ZohoSettings(data_centre="ca")
        assert accounts_url(settings) == "https://accounts.zohocloud.ca"
        assert api_base_url(settings) == "https://www.zohoapis.ca/books/v3"

    def test_unknown_code_is_a_configuration_error(self):
        """A data centre outside the table is refused with a clear error."""
        with pytest.raises(ConfigurationError, match="unknown Zoho data centre"):
            data_centre("uk.example")


class TestPrecedence:
    def test_token_api_domain_wins_over_the_table(self):
        """The api_domain of the token response decides where API calls go."""
        settings = ZohoSettings(data_centre="com")
        assert api_base_url(settings, "https://www.zohoapis.in") == "https://www.zohoapis.in/books/v3"

    def test_settings_override_wins_over_the_token_domain(self):
        """api_base_url in the settings beats both the token's api_domain and the table."""
        settings = ZohoSettings(api_base_url="http://127.0.0.1:8090/books/v3/")
        assert api_base_url(settings, "https://www.zohoapis.in") == "http://127.0.0.1:8090/books/v3"

    def test_override_without_a_path_gets_the_books_path(self):
        """An emulator's root URL is completed with /books/v3."""
        settings = ZohoSettings(api_base_url="http://127.0.0.1:8090")
        assert api_base_url(settings) == "http://127.0.0.1:8090/books/v3"

    def test_accounts_override_replaces_the_table(self):
        """accounts_url in the settings points token refreshes elsewhere (an emulator)."""
        settings = ZohoSettings(data_centre="eu", accounts_url="http://127.0.0.1:8090/")
        assert token_url(settings) == "http://127.0.0.1:8090/oauth/v2/token"
