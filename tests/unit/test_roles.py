"""Default permissions of the product's roles (DESIGN.md §3)."""

import pytest

from app.domain.roles import (
    ADMIN,
    AGENT,
    CONFIDENTIAL_ACCESS,
    ROLE_DEFAULTS,
    SCOPE_VIEW,
    SEE_ALL,
    SEE_CONFIDENTIAL,
    STAFF_MENUS,
    SUPERVISOR,
    VIEWER,
    default_permissions,
)

WRITES = {"can_add", "can_edit", "can_delete"}
DATA_VIEWS = ["ComplaintView", "ClientView", "ContractView"]


def perms_on(role: str, view: str) -> set[str]:
    return {perm for perm, name in default_permissions(role) if name == view}


@pytest.mark.parametrize(("role", "view", "expected"), [
    (SUPERVISOR, "ComplaintView", {"can_list", "can_show", "can_add", "can_edit", "can_delete",
                                   "can_assign"}),
    (AGENT, "ComplaintView", {"can_list", "can_show", "can_add", "can_edit"}),
    (VIEWER, "ComplaintView", {"can_list", "can_show"}),
    (SUPERVISOR, "ClientView", {"can_list", "can_show", "can_add", "can_edit", "can_delete"}),
    (AGENT, "ContractView", {"can_list", "can_show", "can_add", "can_edit"}),
    (VIEWER, "ContractView", {"can_list", "can_show"}),
    (SUPERVISOR, "SearchView", {"can_search"}),
    (AGENT, "SearchView", {"can_search"}),
    (VIEWER, "SearchView", {"can_search"}),
    (AGENT, "MyReminderView", {"can_list"}),
    (VIEWER, "MyReminderView", set()),
    # Visibility (DESIGN.md §2): all complaints for supervisors, viewers and admins, the
    # confidential ones only for admins, supervisors and the "Confidential access" role.
    (ADMIN, SCOPE_VIEW, {SEE_ALL, SEE_CONFIDENTIAL}),
    (SUPERVISOR, SCOPE_VIEW, {SEE_ALL, SEE_CONFIDENTIAL}),
    (VIEWER, SCOPE_VIEW, {SEE_ALL}),
    (AGENT, SCOPE_VIEW, set()),
    (CONFIDENTIAL_ACCESS, SCOPE_VIEW, {SEE_CONFIDENTIAL}),
])
def test_permissions_on_views(role, view, expected):
    assert perms_on(role, view) == expected


@pytest.mark.parametrize(("role", "has_delete"), [(SUPERVISOR, True), (AGENT, False),
                                                   (VIEWER, False)])
def test_only_supervisors_delete_complaints(role, has_delete):
    assert (("can_delete", "ComplaintView") in default_permissions(role)) is has_delete


@pytest.mark.parametrize("view", DATA_VIEWS)
def test_agent_deletes_nothing(view):
    assert "can_delete" not in perms_on(AGENT, view)


def test_viewer_is_read_only():
    perms = {perm for perm, _ in default_permissions(VIEWER)}
    assert perms & WRITES == set()
    assert ("can_list", "ComplaintView") in default_permissions(VIEWER)
    assert not any(p.startswith("can_this_form") for p in perms)  # no profile editing


@pytest.mark.parametrize(("role", "menus"), [
    (SUPERVISOR, STAFF_MENUS | {"Audit", "Confidential access log"}),
    (AGENT, STAFF_MENUS),
    (VIEWER, STAFF_MENUS - {"My reminders"}),
])
def test_menus(role, menus):
    granted = {name for perm, name in default_permissions(role) if perm == "menu_access"}
    assert granted == menus
    assert {"Complaints", "All complaints", "Clients", "Contracts"} <= granted


@pytest.mark.parametrize("role", ["Public", "Unknown"])
def test_roles_without_defaults(role):
    assert default_permissions(role) == set()


def test_admin_defaults_are_only_the_visibility_permissions():
    # Admin gets every view permission from FAB itself, but not the visibility ones.
    assert default_permissions(ADMIN) == {(SEE_ALL, SCOPE_VIEW), (SEE_CONFIDENTIAL, SCOPE_VIEW)}


@pytest.mark.parametrize("role", [SUPERVISOR, AGENT, VIEWER])
def test_pairs_are_permission_then_view(role):
    pairs = default_permissions(role)
    assert pairs
    assert all(perm.startswith(("can_", "menu_access")) for perm, _ in pairs)
    views = {view for perm, view in pairs if perm != "menu_access"}
    assert views == set(ROLE_DEFAULTS[role])


def test_defaults_are_not_shared_mutable_sets():
    first = default_permissions(AGENT)
    first.add(("can_delete", "ComplaintView"))
    assert ("can_delete", "ComplaintView") not in default_permissions(AGENT)
