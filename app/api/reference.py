"""Reference lists, states and teams, read-only: what a script needs to fill a
complaint's ids. Readable by whoever may list complaints."""

from flask_appbuilder.models.sqla.interface import SQLAInterface

from app.api.base import ScopedModelApi
from app.models import REFERENCE_MODELS, CustomField, State, Team

REFERENCE_COLUMNS = ["id", "code", "label_fr", "label_en", "position", "active"]
CUSTOM_FIELD_COLUMNS = ["id", "key", "label_fr", "label_en", "type", "choices", "required",
                        "request_type_ids", "position", "active", "in_list", "in_export"]
STATE_COLUMNS = [*REFERENCE_COLUMNS, "is_initial", "is_open", "pauses_clock", "is_final",
                 "marks_answered"]


def _reference_api(resource: str, model, columns) -> type:
    return type(f"{model.__name__}Api", (ScopedModelApi,), {
        "resource_name": resource,
        "datamodel": SQLAInterface(model),
        "class_permission_name": "ComplaintView",
        "method_permission_name": {"get": "list", "get_list": "list"},
        "openapi_spec_tag": "Reference lists",
        "list_columns": columns,
        "show_columns": columns,
        "order_columns": ["id", "position", "code"],
        "search_columns": ["code", "active"],
        "base_order": ("position", "asc"),
    })


def reference_apis() -> list[type]:
    apis = [_reference_api(name, model, REFERENCE_COLUMNS)
            for name, model in REFERENCE_MODELS.items()]
    apis.append(_reference_api("state", State, STATE_COLUMNS))
    team = _reference_api("team", Team, ["id", "name", "name_en", "email", "manager_id", "active"])
    team.order_columns, team.search_columns = ["id", "name"], ["name", "active"]
    team.base_order = ("name", "asc")
    custom = _reference_api("custom_field", CustomField, CUSTOM_FIELD_COLUMNS)
    custom.search_columns = ["key", "type", "active"]
    custom.order_columns = ["id", "position", "key"]  # it has a key, not a code
    return [*apis, team, custom]
