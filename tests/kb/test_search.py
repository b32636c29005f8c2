"""Search and suggestions: ranking, prefixes, case and accents, EN and UK, snippets, operators."""
import pytest

from app.extensions import db
from kb import queries, search


@pytest.fixture
def library(publish, org_a, org_b):
    return {
        "spf": publish("Mail bounces with 550 SPF fail", "Add the relay to the SPF record of the domain.",
                       tags=["mail", "dns"]),
        "vpn": publish("VPN drops every hour", "Renew the certificate; the mail server is not involved."),
        "uk": publish("Пошта не надходить", "Перевірте запис MX домену та фільтр спаму.", language="uk"),
        "cafe": publish("Café Wi-Fi portal", "Open the captive portal page."),
        "globex": publish("Mail quota for Globex", "Ask for more quota.", visibility="organizations",
                          organizations=[org_b]),
        "internal": publish("Mail relay internals", "Internal runbook.", visibility="internal"),
    }


def ids(found):
    return [f.article.id for f in found]


def test_the_title_ranks_first_and_the_last_word_is_a_prefix(users, library):
    found = queries.articles(users["agent"], "mail")
    assert ids(found)[0] in (library["spf"].id, library["globex"].id, library["internal"].id)
    assert library["vpn"].id in ids(found)
    assert ids(queries.articles(users["agent"], "bounc")) == [library["spf"].id]


def test_case_and_accents_do_not_matter(users, library):
    assert ids(queries.articles(users["client_user"], "CAFE")) == [library["cafe"].id]
    assert ids(queries.articles(users["client_user"], "café")) == [library["cafe"].id]
    assert ids(queries.articles(users["client_user"], "ПОШТА")) == [library["uk"].id]
    assert ids(queries.articles(users["client_user"], "спам")) == [library["uk"].id]


def test_snippets_highlight_and_escape(users, library, publish):
    found = queries.articles(users["client_user"], "relay")
    assert "<mark>relay</mark>" in str(found[0].snippet)
    tricky = publish("Angle brackets", "Type <b>x</b> &amp; press relay <script>y</script>")
    snippet = str(search.snippet("press <relay> & go", "relay"))
    assert "&lt;<mark>relay</mark>&gt; &amp; go" in snippet
    assert tricky.id in ids(queries.articles(users["client_user"], "relay"))


@pytest.mark.parametrize("query", ['"', '"mail', "mail*", "* ", "NEAR(mail vpn)", "mail NEAR vpn", "(", ")",
                                   "mail AND OR NOT", "title:mail", "^mail", "-mail", "{title}: x", "'", ":*",
                                   "mail & | !", "\\", "%_", "a" * 500])
def test_fts_operators_never_error(users, library, query):
    queries.articles(users["agent"], query)
    queries.suggest(users["client_user"], query)


def test_suggestions_are_published_and_visible_only(users, library, org_a):
    typed = "mail bounces when we send to gmail"
    acme = ids(queries.suggest(users["client_user"], typed))
    assert acme[0] == library["spf"].id
    assert library["globex"].id not in acme and library["internal"].id not in acme
    assert library["globex"].id in ids(queries.suggest(users["other_user"], "mail quota"))
    assert len(queries.suggest(users["client_user"], "mail vpn portal the a")) <= 5


def test_search_as_you_type(users, library):
    assert ids(queries.suggest(users["client_user"], "vp")) == [library["vpn"].id]
    assert ids(queries.suggest(users["client_user"], "поштa не надх")) == [library["uk"].id] or \
        library["uk"].id in ids(queries.suggest(users["client_user"], "пошта не надх"))


def test_one_letter_of_the_next_word_does_not_empty_the_results(users, library):
    """Typing "vpn x" (the first letter of a word yet to come): still the VPN article, not nothing."""
    assert ids(queries.articles(users["client_user"], "vpn x")) == [library["vpn"].id]  # no word of it starts with x
    assert ids(queries.articles(users["client_user"], "vpn dr")) == [library["vpn"].id]
    assert queries.articles(users["client_user"], "vpn zq") == []


def test_suggestions_prefer_titles_and_still_find_words_only_in_the_text(users, library, publish):
    for n in range(6):
        publish(f"Certificate renewal step {n}", "Run the renewal.")
    body_only = publish("Padlock warning in the browser", "The certificate expired: renew it.")
    by_title = ids(queries.suggest(users["client_user"], "certificate renew"))
    assert len(by_title) == 5 and body_only.id not in by_title  # five titles hold the words
    assert ids(queries.suggest(users["client_user"], "expired")) == [body_only.id]  # only its text does


def test_a_search_lists_titles_first_and_pages_through_one_list(users, publish):
    """However the index is asked (titles, the body's opening, the whole text), the pages of a
    search are slices of one list: the articles with the words in their title first, every
    article once, those with the words only deep in a long text too."""
    filler = " ".join(f"word{n}" for n in range(80))
    titled = {publish(f"Printer jam on floor {n}", "Open the tray.").id for n in range(3)}
    opening = {publish(f"Paper stuck {n}", f"The printer jams. {filler}").id for n in range(3)}
    deep = {publish(f"Long runbook {n}", f"{filler} Last: the printer jams.").id for n in range(2)}
    pages = [ids(queries.articles(users["agent"], "printer jam", offset=offset, limit=3)) for offset in (0, 3, 6, 9)]
    assert set(pages[0]) == titled
    if db.engine.dialect.name == "postgresql":  # the body's opening is a part of its own there (the head)
        assert set(pages[1]) == opening and set(pages[2]) == deep
    listed = [i for page in pages for i in page]
    assert len(listed) == len(set(listed)) == 8 and set(listed) == titled | opening | deep
    assert pages[3] == []
