"""Login, logout, password change and reset by e-mail: Django's views with Russian pages."""

import re

from tests.factories import PASSWORD


def test_the_email_link_asks_to_log_in_and_then_lands_on_the_task(client, my_task):
    url = f"/tasks/{my_task.pk}/"
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"

    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Вход" in html and 'for="id_username"' in html and 'for="id_password"' in html
    assert "csrfmiddlewaretoken" in html

    response = client.post("/accounts/login/", {"username": "portfolio1", "password": PASSWORD, "next": url})
    assert response.status_code == 302 and response["Location"] == url
    assert my_task.title in client.get(url).content.decode()


def test_a_wrong_password_is_refused_in_russian(client, responsible):
    response = client.post("/accounts/login/", {"username": "portfolio1", "password": "wrong"})
    assert response.status_code == 200
    assert "Пожалуйста, введите правильные имя пользователя и пароль" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post_and_ends_the_session(login, responsible):
    client = login(responsible)
    assert client.get("/accounts/logout/").status_code == 405  # no state change on GET
    assert "_auth_user_id" in client.session
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/tasks/").status_code == 302


def test_password_change(login, responsible):
    client = login(responsible)
    page = client.get("/accounts/password/change/").content.decode()
    assert "Смена пароля" in page and 'for="id_old_password"' in page
    response = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": "Другой-пароль-42", "new_password2": "Другой-пароль-42"},
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/password/change/done/"
    responsible.refresh_from_db()
    assert responsible.check_password("Другой-пароль-42")


def test_password_reset_by_email(client, responsible, mailoutbox):
    page = client.get("/accounts/password/reset/").content.decode()
    assert "Восстановление пароля" in page and 'for="id_email"' in page

    response = client.post("/accounts/password/reset/", {"email": responsible.email})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/sent/"
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [responsible.email] and "Восстановление пароля" in mail.subject
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.body).group(1)

    response = client.get(link)  # Django swaps the token for a session-bound URL
    assert response.status_code == 302
    form_url = response["Location"]
    assert "Новый пароль" in client.get(form_url).content.decode()
    response = client.post(form_url, {"new_password1": "Новый-пароль-2023", "new_password2": "Новый-пароль-2023"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/complete/"
    responsible.refresh_from_db()
    assert responsible.check_password("Новый-пароль-2023")


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client, db, mailoutbox):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.test"})
    assert response.status_code == 302
    assert mailoutbox == []
