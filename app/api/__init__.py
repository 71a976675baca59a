"""The REST API under /api/v1/ (FAB ModelRestApi; OpenAPI at /api/v1/_openapi)."""

from collections import defaultdict

from app.api.clients import ClientApi, ContractApi
from app.api.complaints import ComplaintApi, MessageApi, NoteApi, ReminderApi
from app.api.fab import tidy_fab_apis
from app.api.reference import reference_apis


def register_apis(appbuilder):
    for api in (ComplaintApi, NoteApi, MessageApi, ReminderApi, ClientApi, ContractApi,
                *reference_apis()):
        appbuilder.add_api(api)
    _share_permissions(appbuilder)
    tidy_fab_apis(appbuilder)


def _share_permissions(appbuilder):
    """The API checks the pages' permissions (``class_permission_name`` of the page).
    FAB syncs permissions view by view and drops, from a permission name, those the view
    does not declare: every view sharing a name must declare them all."""
    shared = defaultdict(set)
    for view in appbuilder.baseviews:
        if getattr(view, "base_permissions", None):
            shared[view.class_permission_name].update(view.base_permissions)
    for view in appbuilder.baseviews:
        if getattr(view, "base_permissions", None):
            view.base_permissions = sorted(shared[view.class_permission_name])
