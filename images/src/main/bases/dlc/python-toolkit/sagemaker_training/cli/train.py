"""Stand-in for the Python toolkit's `train` command: records that it ran and fails."""
import sagemaker_training

# Neither a success (0) nor a status a user script or smtk gives (1, 2, 128+N): unmistakable in a test.
EXIT_STATUS = 86


def main():
    sagemaker_training.record("train")
    return EXIT_STATUS
