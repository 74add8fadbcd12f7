"""Everything that talks to Google: the API client, paging, retries, login and the token file."""
