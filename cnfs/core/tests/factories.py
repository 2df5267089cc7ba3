import factory

from cnfs.core.enums import Role, ScopeType
from cnfs.core.models import RoleAssignment, User

PASSWORD = "mot-de-passe-de-test-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    first_name = factory.Sequence(lambda n: f"Prénom{n}")
    last_name = factory.Sequence(lambda n: f"Nom{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = Role.ANCT
    scope_type = ScopeType.NATIONAL

    class Params:
        prefecture = factory.Trait(role=Role.PREFECTURE, scope_type=ScopeType.DEPARTEMENT)
        structure = factory.Trait(role=Role.STRUCTURE, scope_type=ScopeType.STRUCTURE, object_id="S1")
        candidat = factory.Trait(role=Role.CANDIDAT, scope_type=ScopeType.PERSONNEL)
        conseiller = factory.Trait(role=Role.CONSEILLER, scope_type=ScopeType.PERSONNEL)
