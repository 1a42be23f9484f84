"""The cast itself: a quick check that the fixture builds what the other tests assume."""


def test_the_cast_has_two_sides_with_joint_and_private_records(cast) -> None:
    assert [s.organisation.name for s in cast.alliance.sides.order_by("id")] == ["Acme", "Globex"]
    assert cast.records["a_private_history"].visibility == "private"
    assert cast.records["b_joint_signal"].owner_side == cast.side_b


def test_it_shows_the_portfolio_to_a_member(cast) -> None:
    response = cast.client("bob").get("/")
    assert response.status_code == 200
    assert "Acme × Globex" in response.content.decode()
    assert "Initech × Umbrella" not in response.content.decode()
