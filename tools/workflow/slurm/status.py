#!/usr/bin/env python3
"""Snakemake --cluster-status for Slurm without accounting: prints running, success or failed
for a job id (what sbatch --parsable printed), from squeue while the job is known to the
controller's queue and from scontrol afterwards (the controller keeps finished jobs for
MinJobAge seconds, 300 by default). A job neither knows is reported failed: Snakemake then
checks nothing more and reruns it on the next invocation, which is safe, unlike taking a lost
job for a success."""
import subprocess
import sys

RUNNING = {"PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "SUSPENDED", "REQUEUED", "RESIZING",
           "STAGE_OUT", "SIGNALING", "RESV_DEL_HOLD", "REQUEUE_FED", "REQUEUE_HOLD", "SPECIAL_EXIT"}


def state(job_id):
    queue = subprocess.run(["squeue", "--noheader", "--jobs", job_id, "--format", "%T"],
                           capture_output=True, text=True)
    if queue.returncode == 0 and queue.stdout.strip():
        return queue.stdout.split()[0]
    job = subprocess.run(["scontrol", "show", "job", job_id], capture_output=True, text=True)
    for word in job.stdout.split():
        if word.startswith("JobState="):
            return word.split("=", 1)[1]
    if "Invalid job id" in job.stderr or queue.returncode == 0:
        return None  # the controller answers and does not know the job
    return "PENDING"  # the controller does not answer: ask again later


def main():
    job_id = sys.argv[1].split(";")[0]  # --parsable prints "id" or "id;cluster"
    s = state(job_id)
    if s in RUNNING:
        print("running")
    elif s == "COMPLETED":
        print("success")
    else:
        print("failed")


if __name__ == "__main__":
    main()
