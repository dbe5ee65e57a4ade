from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse(status=501)


member_list = invite = change_role = remove = leave = accept_invitation = _todo
