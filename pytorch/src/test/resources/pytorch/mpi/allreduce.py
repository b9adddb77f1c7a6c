"""Each rank reports its host (through the hostname shim) and joins an allreduce of mpi4py and torch gloo."""
import os
import socket

import torch
import torch.distributed as dist
from mpi4py import MPI

comm = MPI.COMM_WORLD
total = comm.allreduce(comm.Get_rank() + 1, op=MPI.SUM)
hosts = comm.allgather(socket.gethostname())
os.environ.update(MASTER_ADDR="algo-1", MASTER_PORT="29500")
dist.init_process_group("gloo", rank=comm.Get_rank(), world_size=comm.Get_size())
tensor = torch.tensor([float(comm.Get_rank() + 1)])
dist.all_reduce(tensor)
print("rank=%d hosts=%s mpi_sum=%d torch_sum=%d" % (comm.Get_rank(), ",".join(hosts), total, int(tensor.item())),
      flush=True)
