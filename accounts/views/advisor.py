from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse(status=501)


organisation_list = organisation_detail = verify = decline = ki_office_edit = _todo
