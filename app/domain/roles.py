"""Default permissions of the product's roles (DESIGN.md §3), as data.

Roles are rows that admins edit in Security; these defaults are granted when a role is
created, and later only for permissions that did not exist before (new features), so an
admin's removals are never undone by an upgrade.
"""

ADMIN = "Admin"
SUPERVISOR = "Supervisor"
AGENT = "Agent"
VIEWER = "Viewer"
# A role holding only the confidential permission: give it to a user who needs it on top
# of their usual role.
CONFIDENTIAL_ACCESS = "Confidential access"

# Visibility permissions, on a view-menu of their own (not tied to any page).
SCOPE_VIEW = "Complaint visibility"
SEE_ALL = "can_see_all_complaints"
SEE_CONFIDENTIAL = "can_see_confidential"
CUSTOM_PERMISSIONS = [(SEE_ALL, SCOPE_VIEW), (SEE_CONFIDENTIAL, SCOPE_VIEW)]

READ = {"can_list", "can_show"}
WRITE = READ | {"can_add", "can_edit"}
EVERYTHING = WRITE | {"can_delete"}

# FAB's API keys (issue [08]): every staff member may manage their own.
# and read the API's document (OpenAPI) and Swagger UI.
API_KEYS = {"ApiKey": {"can_list", "can_create", "can_get", "can_revoke"},
            "OpenApi": {"can_get"}, "SwaggerView": {"can_show"}}

STAFF_MENUS = {"Dashboard", "Complaints", "All complaints", "My reminders", "Clients", "Contracts",
               "Reports", "My exports"}
# Reports and exports: every staff role, each on its own visibility scope.
REPORTING = {"ReportView": {"can_index", "can_export"},
             "MyExportView": {"can_index", "can_download"}}

ROLE_DEFAULTS = {
    ADMIN: {
        SCOPE_VIEW: {SEE_ALL, SEE_CONFIDENTIAL},
    },
    SUPERVISOR: {
        **REPORTING,
        # Supervisors handle the sensitive cases and read who consulted them; an admin
        # can take this permission away from the role in Security.
        SCOPE_VIEW: {SEE_ALL, SEE_CONFIDENTIAL},
        "ComplaintView": EVERYTHING | {"can_assign"},
        "ConfidentialAccessLogView": {"can_list"},
        "ClientView": EVERYTHING,
        "ContractView": EVERYTHING,
        "MyReminderView": {"can_list"},
        "NotificationView": {"can_list", "can_mark_read"},
        "SearchView": {"can_search"},
        "DashboardView": {"can_index"},
        "UserInfoEditView": {"can_this_form_get", "can_this_form_post"},
        "UserDBModelView": {"can_userinfo"},
        "StaffUserView": {"can_userinfo"},
        **API_KEYS,
    },
    AGENT: {
        **REPORTING,
        "ComplaintView": WRITE,
        "ClientView": WRITE,
        "ContractView": WRITE,
        "MyReminderView": {"can_list"},
        "NotificationView": {"can_list", "can_mark_read"},
        "SearchView": {"can_search"},
        "DashboardView": {"can_index"},
        "UserInfoEditView": {"can_this_form_get", "can_this_form_post"},
        "StaffUserView": {"can_userinfo"},
        **API_KEYS,
    },
    VIEWER: {
        **REPORTING,
        SCOPE_VIEW: {SEE_ALL},
        "ComplaintView": READ,
        "ClientView": READ,
        "ContractView": READ,
        "NotificationView": {"can_list", "can_mark_read"},
        "SearchView": {"can_search"},
        "DashboardView": {"can_index"},
        "StaffUserView": {"can_userinfo"},
        **API_KEYS,
    },
}
ROLE_DEFAULTS[CONFIDENTIAL_ACCESS] = {SCOPE_VIEW: {SEE_CONFIDENTIAL}}
ROLE_MENUS = {SUPERVISOR: STAFF_MENUS | {"Audit", "Confidential access log"}, AGENT: STAFF_MENUS,
              VIEWER: STAFF_MENUS - {"My reminders"}}


def default_permissions(role: str) -> set[tuple[str, str]]:
    """``(permission, view_or_menu)`` pairs a new role starts with."""
    pairs = {(perm, view) for view, perms in ROLE_DEFAULTS.get(role, {}).items()
             for perm in perms}
    pairs |= {("menu_access", menu) for menu in ROLE_MENUS.get(role, set())}
    return pairs
