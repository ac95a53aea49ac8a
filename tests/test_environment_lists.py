"""One package list, every consumer: the README's apt line and the Containerfile follow env/."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _packages():
    lines = (REPO / "env/debian-packages.txt").read_text().splitlines()
    return [line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()]


def test_readme_apt_line_matches_package_list():
    readme = (REPO / "README.md").read_text()
    apt = next(line for line in readme.splitlines() if line.startswith("sudo apt install "))
    assert apt.split()[3:] == _packages()


def test_containerfile_reads_the_package_lists():
    text = (REPO / "Containerfile").read_text()
    assert "env/debian-packages.txt" in text and "env/requirements.txt" in text
    assert "apt-get install" in text and "-r /opt/heartsim/env/requirements.txt" in text


def test_ci_runs_the_readme_test_command():
    readme = (REPO / "README.md").read_text()
    assert "scripts/test" in readme.split("\n```sh\n", 1)[1].split("```")[0]
    ci = (REPO / ".ci/run").read_text().splitlines()
    assert "scripts/test" in [line.strip() for line in ci]
