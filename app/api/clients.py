"""Clients and contracts. Every staff member may read them (as in the UI); complaints
stay behind their own visibility rule."""

from flask_appbuilder.models.sqla.interface import SQLAInterface

from app.api import schemas
from app.api.base import ScopedModelApi
from app.extensions import db
from app.models import Agency, AppUser, Client, Contract, Sector
from app.reader import current_writer
from app.services import scope_changes
from app.services.records import resolve, save_client, save_contract

CLIENT_COLUMNS = ["id", "customer_number", "name", "kind", "email", "phone", "address",
                  "sector_id", "agency_id", "analytic_code", "portfolio_owner_id",
                  "created_at"]
CONTRACT_COLUMNS = ["id", "number", "client_id", "label", "sector_id", "agency_id",
                    "analytic_code", "start_date", "end_date"]
REFERENCES = {"sector_id": Sector, "agency_id": Agency, "portfolio_owner_id": AppUser,
              "client_id": Client}


def _checked(values: dict) -> dict:
    """The values, once every id they name exists."""
    for field, model in REFERENCES.items():
        if values.get(field) is not None:
            resolve(db.session, model, field, values[field])
    return values


def _check_owner(client, values):
    """Only someone allowed to assign sets or changes the portfolio owner (403)."""
    if "portfolio_owner_id" in values:
        scope_changes.check_client_write(db.session, current_writer(), client,
                                         values["portfolio_owner_id"])


class ClientApi(ScopedModelApi):
    resource_name = "client"
    datamodel = SQLAInterface(Client)
    class_permission_name = "ClientView"
    openapi_spec_tag = "Clients"
    include_route_methods = {"get", "get_list", "post", "put"}
    base_order = ("name", "asc")
    list_columns = show_columns = CLIENT_COLUMNS
    order_columns = ["id", "customer_number", "name"]
    search_columns = ["customer_number", "name", "email", "kind", "analytic_code"]
    post_schema = schemas.ClientPostSchema()
    put_schema = schemas.ClientWriteSchema()

    def create(self, values):
        client = Client(kind="person")
        _check_owner(client, values)
        return save_client(db.session, client, _checked(values))

    def update(self, client, values):
        _check_owner(client, values)
        save_client(db.session, client, _checked(values))


class ContractApi(ScopedModelApi):
    resource_name = "contract"
    datamodel = SQLAInterface(Contract)
    class_permission_name = "ContractView"
    openapi_spec_tag = "Contracts"
    include_route_methods = {"get", "get_list", "post", "put"}
    base_order = ("number", "asc")
    list_columns = show_columns = CONTRACT_COLUMNS
    order_columns = ["id", "number"]
    search_columns = ["number", "label", "client_id", "analytic_code"]
    post_schema = schemas.ContractPostSchema()
    put_schema = schemas.ContractWriteSchema()

    def create(self, values):
        return save_contract(db.session, Contract(), _checked(values))

    def update(self, contract, values):
        if "client_id" in values:
            scope_changes.check_contract_write(db.session, current_writer(), contract,
                                               values["client_id"])
        save_contract(db.session, contract, _checked(values))
