import factory

from cnfs.core.enums import Role, ScopeType
from cnfs.core.models import RoleAssignment, User
from cnfs.territoires.tests.factories import DepartementFactory, HubFactory

PASSWORD = "mot-de-passe-de-test-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    first_name = factory.Sequence(lambda n: f"Prénom{n}")
    last_name = factory.Sequence(lambda n: f"Nom{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    class Params:
        staff = factory.Trait(is_staff=True)
        superuser = factory.Trait(is_staff=True, is_superuser=True)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    """Default: national team (`anct`, national scope). One trait per role, with the scope it normally has."""

    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = Role.ANCT
    scope_type = ScopeType.NATIONAL

    class Params:
        anct = factory.Trait(role=Role.ANCT, scope_type=ScopeType.NATIONAL)
        prefecture = factory.Trait(
            role=Role.PREFECTURE, scope_type=ScopeType.DEPARTEMENT, departement=factory.SubFactory(DepartementFactory)
        )
        # `hub` is also a field: the trait of the hub role is `hub_agent`.
        hub_agent = factory.Trait(role=Role.HUB, scope_type=ScopeType.HUB, hub=factory.SubFactory(HubFactory))
        structure = factory.Trait(role=Role.STRUCTURE, scope_type=ScopeType.STRUCTURE, object_id="S1")
        candidat = factory.Trait(role=Role.CANDIDAT, scope_type=ScopeType.PERSONNEL)
        conseiller = factory.Trait(role=Role.CONSEILLER, scope_type=ScopeType.PERSONNEL)
        coordinateur = factory.Trait(role=Role.COORDINATEUR, scope_type=ScopeType.STRUCTURE, object_id="S1")
        formation = factory.Trait(role=Role.FORMATION, scope_type=ScopeType.ORGANISATION, object_id="OF1")
        aidant = factory.Trait(role=Role.AIDANT, scope_type=ScopeType.ORGANISATION, object_id="AC1")
        responsable = factory.Trait(role=Role.RESPONSABLE, scope_type=ScopeType.ORGANISATION, object_id="AC1")
        # Pass numérique: the scope's object is the buyer, the distributor or the place (`lieux.Lieu`) by id.
        commanditaire = factory.Trait(role=Role.COMMANDITAIRE, scope_type=ScopeType.ORGANISATION, object_id="1")
        distributeur = factory.Trait(role=Role.DISTRIBUTEUR, scope_type=ScopeType.ORGANISATION, object_id="1")
        lieu_pass = factory.Trait(role=Role.LIEU_PASS, scope_type=ScopeType.ORGANISATION, object_id="1")


def user_with_role(role: str, **kwargs) -> User:
    """A user holding `role` on its usual scope (see the traits above)."""
    trait = "hub_agent" if role == Role.HUB else str(role)
    return RoleAssignmentFactory(**{trait: True}, **kwargs).user
