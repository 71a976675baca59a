"""A team has a French and an English name, and shows the reader's (as reference lists
do): complaint page, list filter, exports, reports, the admin form."""

from datetime import datetime

from sqlalchemy import select

from app.models import Team
from app.services import reports
from tests import factories as f
from tests.integration.test_exports import export, rows_of, workbook


def make_named_team(session):
    token = f.unique("")
    return f.make_team(session, name=f"Accueil clients {token}",
                       name_en=f"Customer desk {token}")


def test_the_label_is_the_readers_language_and_falls_back_on_the_french_name():
    team = Team(name="Service facturation", name_en="Billing")
    assert (team.label_in("fr"), team.label_in("en")) == ("Service facturation", "Billing")
    assert Team(name="Service facturation").label_in("en") == "Service facturation"
    assert str(team) == "Service facturation"  # no request: French, the default


def test_the_complaint_page_names_the_team_in_the_readers_language(admin_client, dbs):
    with dbs() as s:
        team = make_named_team(s)
        names, pk = (team.name, team.name_en), f.make_complaint(s, team=team).id

    french = admin_client.get(f"/complaints/show/{pk}?_l_=fr").get_data(as_text=True)
    english = admin_client.get(f"/complaints/show/{pk}?_l_=en").get_data(as_text=True)

    assert f">{names[0]}</option>" in french and names[1] not in french
    assert f">{names[1]}</option>" in english and names[0] not in english
    # The labels before a value: a no-break space before the colon in French only.
    assert "Échéance\u00a0: <strong>" in french and "Deadline: <strong>" in english


def test_the_list_filter_offers_the_team_in_the_readers_language(admin_client, dbs):
    with dbs() as s:
        team = make_named_team(s)
        names = team.name, team.name_en

    french = admin_client.get("/complaints/list/?_l_=fr").get_data(as_text=True)
    english = admin_client.get("/complaints/list/?_l_=en").get_data(as_text=True)

    assert names[0] in french and names[1] not in french
    assert names[1] in english and names[0] not in english


def test_the_export_names_the_team_in_the_readers_language(supervisor_client, dbs):
    token = f.unique("TeamExport")
    with dbs() as s:
        team = make_named_team(s)
        names = team.name, team.name_en
        f.make_complaint(s, team=team, subject=f"{token} subject")

    _, french = rows_of(workbook(export(supervisor_client, f"_flt_2_subject={token}")).active)
    _, english = rows_of(workbook(export(supervisor_client,
                                         f"_l_=en&_flt_2_subject={token}")).active)

    assert [row["Équipe"] for row in french] == [names[0]]
    assert [row["Team"] for row in english] == [names[1]]


def test_a_report_by_team_names_it_in_the_requested_language(session):
    team = make_named_team(session)
    complaint = f.make_complaint(session, team=team, received_at=datetime(2037, 5, 3, 9))
    scope = select(Team.id).where(Team.id == complaint.team_id).exists()
    period = (datetime(2037, 5, 1).date(), datetime(2037, 6, 1).date())
    now = datetime(2037, 5, 20)
    for language, name in (("fr", team.name), ("en", team.name_en)):
        report = reports.build_report(session, "team", *period, now, scope, "UTC", language)
        assert name in [row.label for row in report.rows]


def test_admin_gives_a_team_its_english_name(admin_client, dbs):
    name = f.unique("Service ")
    missing = admin_client.post("/config/teams/add?_l_=en", data={"name": name,
                                                                 "active": "y"})
    added = admin_client.post("/config/teams/add", data={
        "name": name, "name_en": f"{name} desk", "active": "y"})

    assert missing.status_code == 200 and "This field is required." in f.messages(missing)
    assert added.status_code == 302
    with dbs() as s:
        assert s.scalars(select(Team.name_en).where(Team.name == name)).one() == f"{name} desk"
    form = admin_client.get("/config/teams/add?_l_=en").get_data(as_text=True)
    assert 'name="name_en"' in form and "English name" in form
