from django.urls import path

from django_site import views

urlpatterns = [path("", views.home), path("api", views.api)]
