"""Base classes shared by the product's FAB views."""

from flask import current_app
from flask_appbuilder import ModelView
from wtforms import BooleanField


class AppModelView(ModelView):
    """A ModelView whose page size never exceeds ``MAX_PAGE_SIZE`` and whose yes/no
    fields can be left unticked (FAB marks non-null booleans "required", so an unticked
    box would be refused)."""

    page_size = 25

    def __init__(self, **kwargs):
        for attr, columns in (("add_form_extra_fields", self.add_columns),
                              ("edit_form_extra_fields", self.edit_columns)):
            extra = dict(getattr(self, attr, None) or {})
            for column in columns or []:
                if column not in extra and self.datamodel.is_boolean(column):
                    label = self.label_columns.get(column, column)
                    extra[column] = BooleanField(label, default=False)
            setattr(self, attr, extra)
        super().__init__(**kwargs)

    def _get_list_widget(self, filters, page_size=None, **kwargs):
        cap = current_app.config.get("MAX_PAGE_SIZE", 100)
        page_size = min(max(page_size or self.page_size, 1), cap)
        return super()._get_list_widget(filters, page_size=page_size, **kwargs)
