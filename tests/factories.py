import factory
from django.utils import timezone

from accounts.models import (
    INVITATION_VALID_FOR,
    District,
    Invitation,
    LegalForm,
    Membership,
    Organisation,
    OrganisationState,
    Role,
    User,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Faker("name", locale="de_DE")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def verified_email(user, create, extracted, **kwargs):
        """allauth only lets people with a verified address log in."""
        from allauth.account.models import EmailAddress

        if create:
            user.save()
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


class AdvisorFactory(UserFactory):
    is_staff = True


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Kulturverein Hagen {n} e.V.")
    legal_form = LegalForm.REGISTERED
    register_number = factory.Sequence(lambda n: f"VR {1000 + n}")
    register_court = "Amtsgericht Hagen"
    district = District.MITTE
    state = OrganisationState.ACTIVE
    profile_confirmed_at = factory.LazyFunction(timezone.now)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.CHAIR


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invited{n}@example.org")
    role = Role.MEMBER
    expires_at = factory.LazyFunction(lambda: timezone.now() + INVITATION_VALID_FOR)
