def test_an_unknown_api_path_answers_in_the_json_error_shape(client):
    response = client.get("/api/v1/tidak-ada/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_an_unknown_page_answers_in_html(client):
    response = client.get("/tidak-ada/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
