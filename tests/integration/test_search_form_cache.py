"""The lists' search forms keep their options rendered per process: a page reads one
version number instead of every reference list, and any change to a list, committed
through the ORM, shows on the next page; a rolled-back one changes nothing."""

import json

from sqlalchemy import update

from app.models import Category
from tests import factories as f
from tests.conftest import get_recording_sql, login

LIST = "/complaints/list/"


def statements(app, client, path):
    seen, response = get_recording_sql(app, client, path)
    return seen, response.get_data(as_text=True)


def offered(html: str, label: str) -> bool:
    """``label`` is an option of the search form (its fields travel as JSON strings)."""
    return f"\\u003e{json.dumps(label)[1:-1]}\\u003c/option" in html


def page(client, language="en"):
    """The complaint list in ``language`` (``_l_``: this request's language)."""
    response = client.get(f"{LIST}?_l_={language}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def reads_categories(seen) -> bool:
    return any("FROM category" in s for s in seen)


def test_a_list_page_reads_the_reference_lists_once_per_change(app, admin_client, dbs):
    admin_client.get(LIST)
    seen, _ = statements(app, admin_client, LIST)
    assert not reads_categories(seen)
    assert sum("reference_version" in s for s in seen) == 1

    label = f.unique("Catégorie neuve")
    with dbs() as s:
        s.add(Category(code=f.unique("cat"), label_fr=label, label_en=label + " EN",
                       position=99, active=True))
        s.commit()
    seen, html = statements(app, admin_client, LIST + "?_l_=fr")
    assert reads_categories(seen) and offered(html, label)
    seen, _ = statements(app, admin_client, LIST)
    assert not reads_categories(seen)


def test_a_renamed_category_shows_renamed_in_the_filter(admin_client, dbs):
    page(admin_client)
    renamed = f.unique("Renamed")
    with dbs() as s:
        s.query(Category).order_by(Category.id).first().label_en = renamed
        s.commit()
    assert offered(page(admin_client), renamed)


def test_a_bulk_update_counts_as_a_change(admin_client, dbs):
    page(admin_client)
    renamed = f.unique("Bulk renamed")
    with dbs() as s:
        first = s.query(Category.id).order_by(Category.id).limit(1).scalar()
        s.execute(update(Category).where(Category.id == first).values(label_en=renamed))
        s.commit()
    assert offered(page(admin_client), renamed)


def test_a_rolled_back_change_keeps_the_version(app, dbs):
    from app.services import reference_version

    with dbs() as s:
        before = reference_version.current(s)
        s.add(Category(code=f.unique("cat"), label_fr="x", label_en="x", position=1,
                       active=True))
        s.flush()
        assert reference_version.current(s) == before + 1
        s.rollback()
        assert reference_version.current(s) == before


def test_a_renamed_user_shows_renamed_among_the_assignees(app, admin_client, dbs):
    admin_client.get(LIST)
    with dbs():
        user = f.make_user(app.appbuilder, "Agent", "Secret-pass-123",
                           first_name=f.unique("Prenom"), last_name="Neuf")
        username, first_name = user.username, user.first_name
    assert offered(page(admin_client), f"{first_name} Neuf")
    with dbs() as s:
        f.user(s, username).first_name = first_name + "-bis"
        s.commit()
    assert offered(page(admin_client), f"{first_name}-bis Neuf")


def test_the_options_follow_the_language(app, dbs):
    client = login(app.test_client(), "supervisor")
    with dbs() as s:
        category = s.query(Category).order_by(Category.id).first()
        french, english = category.label_fr, category.label_en
    assert french != english
    fr_html, en_html = page(client, "fr"), page(client, "en")
    assert offered(fr_html, french) and not offered(fr_html, english)
    assert offered(en_html, english) and not offered(en_html, french)
