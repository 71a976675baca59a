"""Full-text search (quick search and the list's "contains the words"), on SQLite FTS5 and
PostgreSQL tsvector: accents folded, ranked, kept in sync by every write, never syntax,
never past the reader's visibility."""

import re

import pytest
from flask import current_app
from sqlalchemy import select

from app.models import Complaint, Message
from app.services import complaints as complaint_service
from app.services import messages
from app.services.search import quick_search
from tests import factories as f
from tests.conftest import recording_sql


def found(session, text, scope=None):
    return [c.id for c in quick_search(session, text, scope=scope).complaints]


def test_accents_are_folded_both_ways(app_ctx, dbs):
    word = f.unique("Zéphyr")  # Zéphyr000001
    with dbs() as s:
        accented = f.make_complaint(s, subject=f"Réclamation {word}").id
        plain = f.make_complaint(s, subject=f"Reclamation eleve {word}").id
        assert set(found(s, f"reclamation {word}")) == {accented, plain}
        assert set(found(s, f"RÉCLAMATION élevé {word}")) == {plain}
        assert found(s, word.replace("é", "e")) != []


def test_the_best_match_comes_first(app_ctx, dbs):
    word = f.unique("Rang")
    with dbs() as s:
        in_message = f.make_complaint(s, subject="Autre sujet")
        messages.receive_message(s, in_message, f"Au sujet de {word}", [], current_app.config)
        in_description = f.make_complaint(s, subject="Sujet", description=f"Texte {word}").id
        in_subject = f.make_complaint(s, subject=f"{word} au sujet").id
        assert found(s, word) == [in_subject, in_description, in_message.id]


def test_a_message_finds_its_complaint_and_a_removed_one_no_longer(app_ctx, dbs):
    word = f.unique("Message")
    with dbs() as s:
        complaint = f.make_complaint(s)
        message = messages.receive_message(s, complaint, f"Ma réponse {word}", [],
                                           current_app.config)
        assert found(s, word) == [complaint.id]
        s.delete(s.get(Message, message.id))
        s.commit()
        assert found(s, word) == []


def test_a_renamed_client_is_found_under_the_new_name(app_ctx, dbs):
    old, new = f.unique("Ancien"), f.unique("Nouveau")
    with dbs() as s:
        client = f.make_client(s, name=f"Société {old}")
        complaint = f.make_complaint(s, client=client).id
        assert found(s, old) == [complaint]
        client.name = f"Société {new}"
        s.commit()
        assert found(s, old) == []
        assert found(s, f"societe {new}") == [complaint]


def test_an_edit_replaces_the_indexed_words(app_ctx, dbs):
    before, after = f.unique("Avant"), f.unique("Apres")
    with dbs() as s:
        complaint = f.make_complaint(s, subject=f"Sujet {before}",
                                     complainant_email="marie.curie@example.org")
        complaint.subject = f"Sujet {after}"
        complaint_service.stage_update(s, complaint, actor=None)
        s.commit()
        assert found(s, before) == []
        assert found(s, after) == [complaint.id]
        assert complaint.id in found(s, f"marie.curie@example.org {after}")
        s.delete(s.get(Complaint, complaint.id))
        s.commit()
        assert found(s, after) == []


def test_the_last_word_is_a_prefix(app_ctx, dbs):
    word = f.unique("Prefixeunique")
    with dbs() as s:
        complaint = f.make_complaint(s, subject=f"Fuite {word}").id
        assert complaint in found(s, f"fuite {word[:-3]}")
        assert found(s, f"{word[:-3]} fuite") == []  # only the last word is a prefix


def test_the_list_filter_matches_whole_words_unless_starred(admin_client, dbs):
    word = f.unique("Entierunique")
    with dbs() as s:
        complaint = f.make_complaint(s, subject=f"Fuite {word}").id

    def listed(typed):
        return f.shown_ids(admin_client.get(f"/complaints/list/?_flt_2_subject={typed}"))

    assert complaint in listed(f"fuite {word}")
    assert complaint not in listed(f"fuite {word[:-3]}")  # the last word is a word too
    assert complaint in listed(f"{word[:-3]}* fuite")
    assert complaint in listed(f"fui* {word.upper()}")


@pytest.mark.parametrize("hostile", [
    '"', "'", "*", "-", ":", "^", "(", ")", "NEAR", "NEAR(a b, 2)", "a OR b", "NOT a",
    "a:*", "' OR 1=1 --", 'x" OR "y', "!!", "&|", "\\", "{}[]", "col:word", "a" * 300,
])
def test_hostile_input_is_searched_as_text(admin_client, hostile):
    for url in (f"/search/?q={hostile}", f"/complaints/list/?_flt_2_subject={hostile}"):
        assert admin_client.get(url).status_code == 200, url


def test_syntax_characters_around_a_word_are_ignored(admin_client, dbs):
    word = f.unique("Syntaxe")
    with dbs() as s:
        complaint = f.make_complaint(s, subject=f"Coupure {word}").id
    for typed in (f'"{word}"', f"{word}*", f"-{word}", f"coupure:{word}", f"({word})"):
        assert complaint in f.shown_ids(admin_client.get(f"/search/?q={typed}")), typed


def test_confidential_complaints_stay_hidden_from_readers_without_the_permission(
        app, dbs, admin_client, agent_client, viewer_client):
    word = f.unique("Secret")
    with dbs() as s:
        agent = f.user(s, "agent")
        mine = f.make_complaint(s, subject=f"Ouvert {word}", assignee=agent).id
        secret = f.make_complaint(s, subject=f"Confidentiel {word}", assignee=agent,
                                  confidential=True).id
    search, listing = f"/search/?q={word}", f"/complaints/list/?_flt_2_subject={word}"
    for url in (search, listing):
        assert f.shown_ids(admin_client.get(url)) >= {mine, secret}
        assert f.shown_ids(agent_client.get(url)) == {mine}
        assert secret not in f.shown_ids(viewer_client.get(url))


def test_the_list_filter_combines_with_the_others(admin_client, dbs):
    word = f.unique("Combine")
    with dbs() as s:
        new = f.make_complaint(s, subject=f"Compteur {word}").id
        other = f.make_complaint(s, subject=f"Compteur {word}", state_code="acknowledged")
        other, state_id = other.id, other.state_id
        f.make_complaint(s, subject="Compteur sans le mot")
    both = f.shown_ids(admin_client.get(f"/complaints/list/?_flt_2_subject=compteur {word}"))
    assert both == {new, other}
    one = f.shown_ids(admin_client.get(
        f"/complaints/list/?_flt_2_subject={word}&_flt_0_state={state_id}"))
    assert one == {other}
    assert f.shown_ids(admin_client.get("/complaints/list/?_flt_2_subject=%22*%22")) == set()



def test_without_unaccent_postgresql_folds_with_translate(app_ctx):
    from app.extensions import db
    from app.services import fulltext_schema

    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    with db.engine.connect() as connection:
        connection.exec_driver_sql(fulltext_schema._pg_fold_function(unaccent=False))
        folded = connection.exec_driver_sql("SELECT search_fold('Réclamation ÉLEVÉE à Noël')")
        assert folded.scalar().lower() == "reclamation elevee a noel"
        connection.rollback()


def test_clients_are_found_by_any_word_of_their_name_number_or_email(app_ctx, dbs):
    word, number = f.unique("Dupré"), f.unique("CUST-")
    with dbs() as s:
        client = f.make_client(s, name=f"Hélène {word}", customer_number=number,
                               email=f"{word.lower()}@exemple.fr")
        ids = {"word": client.id}

        def clients(text):
            return [c.id for c in quick_search(s, text).clients]

        assert clients(word.replace("é", "e")) == [ids["word"]]
        assert clients(f"helene {word}") == [ids["word"]]
        assert clients(number) == [ids["word"]]
        assert clients(f"{word}@exemple.fr") == [ids["word"]]
        client.name = "Autre nom"
        s.commit()
        assert clients(f"helene {word}") == []
        s.delete(client)
        s.commit()
        assert clients(number) == []


@pytest.mark.parametrize(("few", "walk_at_least"), [(0, 0), (0, 10**9), (1000, 0)])
def test_the_list_filter_gives_the_same_rows_whatever_its_plan(admin_client, viewer_client,
                                                               dbs, monkeypatch, few,
                                                               walk_at_least):
    from app.services import fulltext
    from app.views import filters

    monkeypatch.setattr(fulltext, "FEW_MATCHES", few)  # 0: the "many matches" plan
    # 0: PostgreSQL walks the list checking each row's document; else the matches first.
    monkeypatch.setattr(filters, "WALK_AT_LEAST", walk_at_least)
    word = f.unique("Plan")
    with dbs() as s:
        ids = {f.make_complaint(s, subject=f"Fuite {word} {n}").id for n in range(3)}
        waiting = f.make_complaint(s, subject=f"Fuite {word}", state_code="acknowledged")
        waiting, state_id = waiting.id, waiting.state_id
        secret = f.make_complaint(s, subject=f"Fuite {word}", confidential=True).id
    html = admin_client.get(f"/complaints/list/?_l_=en&_flt_2_subject={word}")
    assert f.shown_ids(html) == ids | {waiting, secret}
    # Counted in the full-text index alone for a reader who sees everything...
    assert re.search(r"Rows:</strong>\s*5\b", html.get_data(as_text=True))
    # ... through the reader's scope for another.
    html = viewer_client.get(f"/complaints/list/?_l_=en&_flt_2_subject={word}")
    assert f.shown_ids(html) == ids | {waiting}
    assert re.search(r"Rows:</strong>\s*4\b", html.get_data(as_text=True))
    # With another filter the count reads that filter's index, each id checked against
    # the matches (SQLite): the same rows and count.
    html = admin_client.get(f"/complaints/list/?_l_=en&_flt_2_subject={word}"
                            f"&_flt_0_state={state_id}")
    assert f.shown_ids(html) == {waiting}
    assert re.search(r"Rows:</strong>\s*1\b", html.get_data(as_text=True))
    page = admin_client.get(f"/complaints/list/?_l_=en&_flt_2_subject={word}"
                            "&psize_ComplaintView=2&page_ComplaintView=2")
    assert len(f.shown_ids(page)) == 1


@pytest.mark.parametrize(("few", "walk_at_least"), [(0, 0), (0, 10**9), (1000, 0)])
def test_words_and_the_filters_the_index_holds_follow_every_change(app, admin_client, dbs,
                                                                     monkeypatch, few,
                                                                     walk_at_least):
    """A state, category or assignee filter with words is counted in the index, which
    follows a complaint's changes of them; typed words never match those facets."""
    from app.models import Category
    from app.services import fulltext
    from app.views import filters

    monkeypatch.setattr(fulltext, "FEW_MATCHES", few)
    monkeypatch.setattr(filters, "WALK_AT_LEAST", walk_at_least)
    word = f.unique("Facette")
    with dbs() as s:
        billing, delivery = (s.scalars(select(Category).where(Category.code == code)).one()
                             for code in ("billing", "delivery"))
        agent = f.user(s, "agent")
        first = f.make_complaint(s, subject=f"Fuite {word}", category=billing,
                                 state_code="in_progress", assignee=agent)
        second = f.make_complaint(s, subject=f"Fuite {word}", category=delivery,
                                  state_code="in_progress")
        ids = {"first": first.id, "second": second.id, "billing": billing.id,
               "delivery": delivery.id, "agent": agent.id,
               "in_progress": first.state_id, "answered": f.state(s, "answered").id}

    def listed(filters_in_url):
        html = admin_client.get(f"/complaints/list/?_l_=en&_flt_2_subject={word}"
                                f"{filters_in_url}").get_data(as_text=True)
        count = re.search(r"Rows:</strong>\s*(\d+)", html)
        shown = f.shown_ids_in(html)
        assert int(count.group(1)) == len(shown) if count else shown == set()
        return shown

    state, category = "&_flt_0_state={}", "&_flt_0_category={}"
    with recording_sql(app) as run:
        assert listed(state.format(ids["in_progress"])) == {ids["first"], ids["second"]}
    held = f"st{ids['in_progress']}"  # the state looked for in the index, with the words
    assert any(held in str(parameters) for _, parameters in run)
    assert listed(state.format(ids["in_progress"]) + category.format(ids["billing"])) == {
        ids["first"]}
    assert listed(f"&_flt_0_assignee={ids['agent']}") == {ids["first"]}
    with dbs() as s:  # the index follows a change of state and of category
        second = s.get(Complaint, ids["second"])
        complaint_service.change_state(s, second, f.state(s, "answered"))
        second.category_id = ids["billing"]
        s.commit()
    assert listed(state.format(ids["in_progress"])) == {ids["first"]}
    assert listed(state.format(ids["answered"])) == {ids["second"]}
    assert listed(category.format(ids["billing"])) == {ids["first"], ids["second"]}
    assert listed(category.format(ids["delivery"])) == set()
    # The facets' own words are not the texts': typing one finds no complaint by it.
    html = admin_client.get(f"/complaints/list/?_flt_2_subject=st{ids['in_progress']}"
                            f"&_flt_0_state={ids['in_progress']}")
    assert not {ids["first"]} & f.shown_ids(html)


@pytest.mark.parametrize("portfolio_facets_at_most", [50, 0])
def test_an_agents_words_count_their_scope_in_the_index(app, agent_client, dbs, monkeypatch,
                                                        portfolio_facets_at_most):
    """An agent's scope (team, assigned to them, portfolio, no confidential) is written
    as words of the index when their portfolio is small, and counted apart otherwise:
    the same rows and count, which follow a change of team."""
    from app.services import visibility

    monkeypatch.setattr(visibility, "PORTFOLIO_FACETS_AT_MOST", portfolio_facets_at_most)
    word = f.unique("Perimetre")
    with dbs() as s:
        agent = f.user(s, "agent")
        team, elsewhere = f.make_team(s), f.make_team(s)
        former_team, agent.team_id = agent.team_id, team.id  # put back at the end
        portfolio = f.make_client(s, portfolio_owner_id=agent.id)

        def make(**fields):
            return f.make_complaint(s, subject=f"Fuite {word}", **fields).id

        visible = {make(team=team), make(team=elsewhere, assignee=agent),
                   make(client=portfolio, team=elsewhere)}
        hidden = make(team=team, confidential=True)
        moving = make(team=elsewhere)
        ids = {"team": team.id, "elsewhere": elsewhere.id}

    def listed():
        html = agent_client.get(f"/complaints/list/?_l_=en&_flt_2_subject={word}"
                                ).get_data(as_text=True)
        count = re.search(r"Rows:</strong>\s*(\d+)", html)
        shown = f.shown_ids_in(html)
        assert (int(count.group(1)) if count else 0) == len(shown)
        return shown

    try:
        with recording_sql(app) as run:
            assert listed() == visible
        in_index = f"te{ids['team']}"
        assert any(in_index in str(p) for _, p in run) == bool(portfolio_facets_at_most)
        assert hidden not in listed()
        with dbs() as s:
            complaint_service.assign(s, s.get(Complaint, moving),
                                     team=s.get(type(team), ids["team"]))
        assert listed() == visible | {moving}
    finally:
        with dbs() as s:
            f.user(s, "agent").team_id = former_team
            s.commit()


def test_a_filter_given_several_words_counts_the_complaints_holding_all(admin_client, dbs):
    one, other = f.unique("Premier"), f.unique("Second")
    with dbs() as s:
        both = f.make_complaint(s, subject=f"{one} {other}").id
        f.make_complaint(s, subject=f"{one} seul")
        f.make_complaint(s, subject=f"{other} seul aussi")
    html = admin_client.get(f"/complaints/list/?_l_=en&_flt_2_subject={one}"
                            f"&_flt_2_subject={other}").get_data(as_text=True)
    assert f.shown_ids_in(html) == {both}
    assert re.search(r"Rows:</strong>\s*1\b", html)


def test_the_ranked_window_is_the_newest_matches_even_when_recent_ones_are_few(app_ctx, dbs,
                                                                               monkeypatch):
    """PostgreSQL looks for the newest matches among the newest complaints first; with
    fewer matches there than the window holds, it looks at all of them."""
    from app.services import fulltext

    monkeypatch.setattr(fulltext, "RANK_WINDOW", 2)
    monkeypatch.setattr(fulltext, "RECENT_IDS", 2)
    word = f.unique("Fenêtre")
    with dbs() as s:
        oldest = f.make_complaint(s, subject=f"{word} ancien").id
        older = f.make_complaint(s, subject="Sujet", description=f"Texte {word}").id
        newer = f.make_complaint(s, subject="Sujet", description=f"Texte {word} récent").id
        f.make_complaint(s, subject="Sans le mot")
        # The two newest complaints hold one match: the window reaches further back.
        assert set(found(s, word)) == {older, newer} and oldest not in found(s, word)
        newest = f.make_complaint(s, subject=f"{word} au sujet").id
        newest_too = f.make_complaint(s, subject="Sujet", description=f"{word}").id
        assert found(s, word) == [newest, newest_too]  # both among the two newest


def test_a_page_found_among_the_newest_ids_is_checked_against_older_ones(admin_client, dbs,
                                                                         monkeypatch):
    """SQLite looks for a page of many matches among the newest ids first; the page is read
    again from every match when it is short there or an older id was received later."""
    from datetime import datetime

    from app.services import fulltext

    monkeypatch.setattr(fulltext, "FEW_MATCHES", 0)  # the "many matches" plan
    word = f.unique("Recent")
    with dbs() as s:  # 2045: later than the other tests' complaints
        ids = [f.make_complaint(s, subject=f"Fuite {word}",
                                received_at=datetime(2045, 1, day)).id for day in (1, 2, 3, 4)]
    floors = []

    def floor(session, counted, rows_wanted):  # only the two newest ids looked at first
        floors.append((counted, rows_wanted))
        return ids[1]

    monkeypatch.setattr(fulltext, "newest_matches_floor", floor)

    def listed(page=0):
        html = admin_client.get(f"/complaints/list/?_flt_2_subject={word}&psize_ComplaintView=2"
                                f"&page_ComplaintView={page}").get_data(as_text=True)
        return list(dict.fromkeys(int(pk) for pk in re.findall(r"/complaints/show/(\d+)", html)))

    assert listed() == [ids[3], ids[2]]  # found above the floor, nothing older came later
    assert floors == [(4, 2)]
    assert listed(page=1) == [ids[1], ids[0]]  # none above it: read from every match
    with dbs() as s:
        s.get(Complaint, ids[0]).received_at = datetime(2045, 1, 5)  # corrected later
        s.commit()
    assert listed() == [ids[0], ids[3]]
