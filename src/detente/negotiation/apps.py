from django.apps import AppConfig


class NegotiationConfig(AppConfig):
    name = "detente.negotiation"
    label = "negotiation"
