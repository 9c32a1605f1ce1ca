"""The site tests post comments too (the URL allow-list and no-500 tests): the comments tests'
fixtures, shared."""

from tests.antispam.conftest import quick_filter  # noqa: F401
from tests.comments.conftest import article, discussion, post  # noqa: F401
