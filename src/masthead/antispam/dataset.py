"""Labelled comments from the YouTube Spam Collection (TubeSpam), one CSV file per video.

Used to build the starter model and by the leave-one-video-out benchmark. The data set stays
where it is: Masthead reads it from a directory the user names and never copies it.
"""

import csv
from dataclasses import dataclass
from pathlib import Path


class DatasetError(Exception):
    """The directory does not hold the data set in the expected shape."""


@dataclass(frozen=True)
class LabelledComment:
    video: str
    author: str
    text: str
    is_spam: bool


def load_youtube_spam(directory: str | Path) -> dict[str, list[LabelledComment]]:
    """{video name: comments} for every Youtube*.csv in `directory`."""
    directory = Path(directory)
    if not directory.is_dir():
        raise DatasetError(f"{directory} is not a directory")
    files = sorted(directory.glob("Youtube*.csv"))
    if not files:
        raise DatasetError(f"no Youtube*.csv files in {directory}")
    videos: dict[str, list[LabelledComment]] = {}
    for path in files:
        video = path.stem
        try:
            with path.open(encoding="utf-8", newline="") as fh:
                reader = csv.DictReader(fh)
                missing = {"CONTENT", "CLASS"} - set(reader.fieldnames or [])
                if missing:
                    columns = ", ".join(sorted(missing))
                    raise DatasetError(f"{path.name} lacks the column(s) {columns}")
                rows = [
                    LabelledComment(video, row.get("AUTHOR") or "", row["CONTENT"] or "",
                                    row["CLASS"].strip() == "1")
                    for row in reader
                ]
        except UnicodeDecodeError:
            raise DatasetError(f"{path.name} is not UTF-8") from None
        except (csv.Error, AttributeError) as exc:
            raise DatasetError(f"{path.name} is not a readable CSV file: {exc}") from None
        if not rows:
            raise DatasetError(f"{path.name} holds no comments")
        videos[video] = rows
    return videos
