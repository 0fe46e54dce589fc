from tests.common.factories import NotificationFactory
from tests.matrix import Case, everyone


def cases(world):
    return [
        Case("common:notification_list", everyone(200)),
        Case(
            "common:notification_read",
            # Only the recipient may: anybody else's notification does not exist for them.
            {"staff_a": 302, "staff_b": 404, "office": 404, "admin": 404},
            kwargs=lambda w: {"pk": NotificationFactory(recipient=w.staff_a).pk},
            method="post",
        ),
        Case("common:notification_read_all", everyone(302), method="post"),
    ]
