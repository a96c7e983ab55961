"""Extensions created unbound here and bound to the app in the factory."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

login_manager = LoginManager()
migrate = Migrate()
csrf = CSRFProtect()
# In memory by default; RATELIMIT_STORAGE_URI (e.g. redis://...) when several workers or hosts run.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
