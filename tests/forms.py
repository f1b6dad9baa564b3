"""Posting an edit form as a person would: on the version the page showed."""


def opened(client, url: str, form: str = "form") -> dict:
    """The hidden `version` and `snapshot` of the form `url` shows, to post with it."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    bound = response.context[form]
    return {bound.add_prefix(name): bound[name].value() for name in ("version", "snapshot")}
