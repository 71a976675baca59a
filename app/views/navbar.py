"""The navbar's menu, rendered once per process for each language and set of visible
entries, instead of on every page.

FAB renders the menu on every page: for each of its ~35 entries a permission check, an
address and a translation, a fifth of a list page's time. What it shows depends only on
the language and on which entries the reader may see, so the page asks those ~35
questions (answered from the permissions read once per request) and takes the HTML
rendered the first time that answer came up. A change of a role's permissions changes the
answer, hence the key: nothing goes stale.
"""

from flask import current_app
from markupsafe import Markup

from app.i18n import current_language

CACHE_KEY = "rendered_navbar_menus"
TEMPLATE = "appbuilder/navbar_menu.html"  # FAB's, unchanged


def _entries(menu):
    for item in menu.get_list():
        yield item
        yield from (child for child in item.childs or [] if child and child.name != "-")


def navbar_menu() -> Markup:
    appbuilder = current_app.appbuilder
    menu, sm = appbuilder.menu, appbuilder.sm
    visible = tuple(sm.has_access("menu_access", item.name) for item in _entries(menu))
    key = (current_language(), visible)
    cache = current_app.extensions.setdefault(CACHE_KEY, {})
    html = cache.get(key)
    if html is None:
        html = Markup(current_app.jinja_env.get_template(TEMPLATE).render(menu=menu))
        cache[key] = html
    return html
