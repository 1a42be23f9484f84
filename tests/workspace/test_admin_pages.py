"""The operators' admin opens every registered model's list for a superuser, and no one else."""

from django.contrib import admin
from django.urls import reverse


def test_it_lists_every_registered_model_for_an_operator(client, operator, cast) -> None:
    client.force_login(operator)
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url


def test_it_keeps_alliance_members_out_of_the_admin(cast) -> None:
    response = cast.client("alice").get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
