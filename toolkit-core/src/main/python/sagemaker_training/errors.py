"""The Python toolkit's error classes, with the same names and text layout (reference section 11)."""


class ClientError(Exception):
    """An error in the user's code or configuration; it fails the job with its text."""


class _CalledProcessError(ClientError):
    """A process the toolkit ran (the user's entry point, pip) failed."""

    def __init__(self, cmd, return_code=None, output=None, info=None):
        self.return_code = str(return_code)
        self.cmd = cmd
        self.output = output
        self.extra_info = info
        super(_CalledProcessError, self).__init__()

    def __str__(self):
        if isinstance(self.output, bytes):
            message = self.output.decode("utf-8", "replace")
        else:
            message = self.output or ""
        if self.extra_info is None:
            text = '%s:\nExitCode %s\nErrorMessage "%s"\nCommand "%s"' % (
                type(self).__name__, self.return_code, message, self.cmd)
        else:
            text = '%s:\nExitCode %s\nErrorMessage "%s"\nExtraInfo "%s"\nCommand "%s"' % (
                type(self).__name__, self.return_code, message, self.extra_info, self.cmd)
        return text.strip()


class InstallModuleError(_CalledProcessError):
    """pip could not install the user's package."""


class InstallRequirementsError(_CalledProcessError):
    """pip could not install the user's requirements.txt."""


class ImportModuleError(ClientError):
    """The user's module could not be imported."""


class ExecuteUserScriptError(_CalledProcessError):
    """The user's entry point exited non-zero."""


class ChannelDoesNotExistError(Exception):
    """A channel that the job does not have."""

    def __init__(self, channel_name):
        super(ChannelDoesNotExistError, self).__init__("Channel %s is not a valid channel" % channel_name)


class UnsupportedFormatError(Exception):
    """A content type the encoders do not support."""

    def __init__(self, content_type, **kwargs):
        self._message = "Content type %s is not supported by this framework." % content_type
        super(UnsupportedFormatError, self).__init__(self._message, **kwargs)


class SMTrainingCompilerConfigurationError(Exception):
    """SageMaker Training Compiler is misconfigured (not a ClientError, as in the reference)."""


class TrainingStoppedError(ClientError):
    """smtk: the job was stopped (SIGTERM/SIGINT) while the user's entry point ran."""
