"""Production settings for the quiz benchmark: every participant comes from 127.0.0.1.

The per-address limits would stop a load generator on one address after a
few dozen starts; they are raised here, the per-phone limit keeps its
default (each simulated person has their own phone).
"""

from motcua.settings.base import *  # noqa: F403

MOTCUA_QUIZ_STARTS_PER_ADDRESS_PER_HOUR = 10**9
MOTCUA_QUIZ_POSTS_PER_ADDRESS_PER_MINUTE = 10**9
