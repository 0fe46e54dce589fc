from tests.matrix import Case, everyone, own_unit_and_office


def cases(world):
    return [
        Case("home", everyone(200)),
        Case("competition:unit_list", everyone(200)),
        Case(
            "competition:unit_detail",
            own_unit_and_office(200, 404),
            kwargs=lambda w: {"pk": w.unit_a.pk},
        ),
    ]
