from django.urls import path

from django_site import views

urlpatterns = [path("", views.home), path("revised", views.revised), path("api", views.api)]
