"""Why an upload is refused, in the domain's words.

The ingest services raise these and know nothing of HTTP; the API layer answers each kind with
its status (`ingest.problems.problem_from_refusal`). The message names the field and the
problem ("slots[3].time_entry_id: unknown time entry ..."): it is the answer's detail as is.
"""

from __future__ import annotations


class UploadRefused(Exception):
    """The upload is not stored, in whole: nothing of a refused batch is written."""


class BelongsToAnotherDevice(UploadRefused):
    """The upload names data of another device than the token's: its time entry, its
    screenshot, or a batch for another device id."""


class BatchIdTaken(UploadRefused):
    """The batch id was used before by another device."""


class UnknownReference(UploadRefused):
    """The upload refers to something the server does not have (a time entry not sent yet),
    or that is not the company's (a project, a task)."""


class InvalidItem(UploadRefused):
    """The item contradicts itself (an image for a screenshot recorded as skipped)."""


class ImageTooLarge(UploadRefused):
    """The image is larger than the contract allows."""


class NotAnImage(UploadRefused):
    """The upload's content is not an image of an accepted format."""


class AheadOfTheClock(UploadRefused):
    """The upload holds times further ahead of the server's clock than an agent's clock may be
    off: counted, they would fill days that have not happened."""


class OffInPolicy(UploadRefused):
    """The member's effective policy switches off what the upload is (a screenshot image when
    screenshots are off, an unblurred one when blur is required, one wider than the limit)."""


class ProjectClosed(UploadRefused):
    """A new time entry names an archived project or task, or a project its member may not use
    (not open to everyone, not assigned to them)."""
