"""The ``?q=`` argument of every read, documented exactly (issue [11]).

FAB documents one loose schema for all its lists (any column, any operator, any value,
any extra key), so a request the document calls valid could be refused, and one it calls
invalid could be accepted. Each operation gets here its own schema, built from the view:
the columns it lists, shows and sorts by, and for each searchable column the operators
FAB allows on it with a value of the column's type. ``app.api.conformance`` refuses every
``q`` outside it with a 400, so the document and the answers agree by construction."""

NO_NUL = "^[^\u0000]*$"  # the API refuses NUL in any text (PostgreSQL cannot store it)
LIST_KEYS = ["list_columns", "order_columns", "label_columns", "description_columns",
             "list_title", "none"]
ITEM_KEYS = ["show_columns", "description_columns", "label_columns", "show_title", "none"]
LIST_OPERATORS = frozenset({"in", "not_in"})  # FAB's filters whose value is a list
# Each "relation as many" filter joins the association table once more: on PostgreSQL
# nine of them on one list took 6 s, ten 19 s (the planner stops reordering past eight
# tables). More than three in one query is refused.
MANY_TO_MANY_OPERATORS = frozenset({"rel_m_m"})
MAX_MANY_TO_MANY_FILTERS = 3
INFO_KEYS = ["add_columns", "edit_columns", "filters", "permissions", "add_title",
             "edit_title", "none"]


def text(**extra) -> dict:
    return {"type": "string", "pattern": NO_NUL, **extra}


def names(values) -> dict:
    """A list of distinct names among ``values``."""
    values = sorted(set(values))
    return {"type": "array", "maxItems": len(values),
            "items": {"type": "string", "enum": values}}


def page_size(view) -> dict:
    return {"type": "integer", "minimum": 1, "maximum": view.max_page_size or 100}


def value_schema(datamodel, column: str) -> dict:
    """What a filter's value must be for ``column``: an id for a relation, else the
    column's own type."""
    checks = (
        ("is_relation", {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}),
        ("is_boolean", {"type": "boolean"}),
        ("is_integer", {"type": "integer", "minimum": -(2**63), "maximum": 2**63 - 1}),
        ("is_float", {"type": "number"}),
        ("is_numeric", {"type": "number"}),
        ("is_datetime", text(format="date-time")),
        ("is_date", text(format="date")),
    )
    for predicate, schema in checks:
        check = getattr(datamodel, predicate, None)
        if check is not None and check(column):
            return schema
    return text(maxLength=100)


def filter_schema(view) -> dict:
    """One alternative per searchable column: its operators and its value's type."""
    search = view.datamodel.get_filters(view.search_columns or [],
                                        search_filters=view.search_filters)
    alternatives = []
    for column, filters in sorted(search.get_search_filters().items()):
        operators = {f.arg_name for f in filters}
        value = value_schema(view.datamodel, column)
        for group, schema in ((operators - LIST_OPERATORS, value),
                              (operators & LIST_OPERATORS,
                               {"type": "array", "maxItems": 10, "items": value})):
            if group:
                alternatives.append(_filter(column, sorted(group), schema))
    return {"type": "array", "maxItems": 10,
            "items": {"oneOf": alternatives} if alternatives else {"not": {}}}


def _filter(column: str, operators: list[str], value: dict) -> dict:
    return {"type": "object", "additionalProperties": False,
            "required": ["col", "opr", "value"],
            "properties": {"col": {"type": "string", "enum": [column]},
                           "opr": {"type": "string", "enum": operators},
                           "value": value}}


def list_query(view) -> dict:
    columns = list(view.list_columns or [])
    return {"type": "object", "additionalProperties": False,
            # FAB refuses both at once ("Cannot use both select and sel columns")
            "not": {"required": ["columns", "select_columns"]}, "properties": {
        "keys": names(LIST_KEYS),
        "columns": names(columns), "select_columns": names(columns),
        "order_column": {"type": "string", "enum": sorted(view.order_columns or [])},
        "order_direction": {"type": "string", "enum": ["asc", "desc"]},
        "page": {"type": "integer", "minimum": 0, "maximum": 10**6},
        "page_size": page_size(view),
        "filters": filter_schema(view)}}


def item_query(view) -> dict:
    return {"type": "object", "additionalProperties": False, "properties": {
        "keys": names(ITEM_KEYS), "columns": names(view.show_columns or [])}}


def info_query(view) -> dict:
    paging = {"type": "object", "additionalProperties": False, "properties": {
        "page": {"type": "integer", "minimum": 0, "maximum": 10**6},
        "page_size": page_size(view)}}

    def per_column(columns):
        return {"type": "object", "additionalProperties": False,
                "properties": {name: paging for name in columns or []}}

    return {"type": "object", "additionalProperties": False, "properties": {
        "keys": names(INFO_KEYS), "add_columns": per_column(view.add_columns),
        "edit_columns": per_column(view.edit_columns)}}


BUILDERS = {"get_list": list_query, "get": item_query, "info": info_query}


def document_queries(view, operations, func) -> None:
    """Replace the loose ``q`` of a read by the view's exact schema."""
    build = BUILDERS.get(getattr(func, "__name__", ""))
    if build is None or not hasattr(view, "datamodel"):
        return
    schema = build(view)
    for method, operation in (operations or {}).items():
        if method.lower() != "get":
            continue
        for parameter in operation.get("parameters", []):
            if isinstance(parameter, dict) and parameter.get("name") == "q":
                parameter["content"] = {"application/json": {"schema": schema}}
                if build is list_query and _has_many_to_many(schema):
                    parameter["description"] = (
                        f"At most {MAX_MANY_TO_MANY_FILTERS} filters with the operator "
                        "rel_m_m in one query.")


def too_many_joins(query) -> bool:
    """Whether a list's ``q`` asks for more "relation as many" filters than allowed."""
    filters = query.get("filters") if isinstance(query, dict) else None
    return sum(1 for f in filters or () if isinstance(f, dict)
               and f.get("opr") in MANY_TO_MANY_OPERATORS) > MAX_MANY_TO_MANY_FILTERS


def _has_many_to_many(schema) -> bool:
    items = schema["properties"]["filters"]["items"].get("oneOf", [])
    return any(MANY_TO_MANY_OPERATORS & set(item["properties"]["opr"]["enum"])
               for item in items)
