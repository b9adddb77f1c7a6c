"""Fits y = 3x + 2 with PyTorch; on several hosts, with DistributedDataParallel over gloo.

Runs unchanged on SageMaker (hosts resolve each other there). Under `smtk local` in process mode
the hosts are processes on one machine and the names algo-N do not resolve, so the rendezvous falls
back to the loopback address; GLOO_SOCKET_IFNAME follows SM_NETWORK_INTERFACE_NAME ("lo" there).
"""
import argparse
import json
import os
import socket

import torch
import torch.distributed as dist


def rendezvous_address(name):
    try:
        socket.gethostbyname(name)
        return name
    except socket.gaierror:
        return "127.0.0.1"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--port", type=int, default=29511)
    args = parser.parse_args()

    hosts = json.loads(os.environ["SM_HOSTS"])
    rank = hosts.index(os.environ["SM_CURRENT_HOST"])
    world = len(hosts)
    if world > 1:
        os.environ.setdefault("GLOO_SOCKET_IFNAME", os.environ.get("SM_NETWORK_INTERFACE_NAME", "eth0"))
        address = rendezvous_address(os.environ.get("MASTER_ADDR", hosts[0]))
        dist.init_process_group("gloo", init_method=f"tcp://{address}:{args.port}",
                                rank=rank, world_size=world)

    torch.manual_seed(rank)
    x = torch.rand(256, 1)
    y = 3 * x + 2 + 0.01 * torch.randn(256, 1)
    model = torch.nn.Linear(1, 1)
    if world > 1:
        model = torch.nn.parallel.DistributedDataParallel(model)
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr)
    for epoch in range(args.epochs):
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), y)
        loss.backward()
        optimizer.step()
        if epoch % 50 == 0 or epoch == args.epochs - 1:
            print(f"rank {rank}/{world} epoch {epoch} loss {loss.item():.5f}", flush=True)

    module = model.module if world > 1 else model
    weight, bias = module.weight.item(), module.bias.item()
    print(f"rank {rank}: y = {weight:.3f} x + {bias:.3f}")
    if rank == 0:
        torch.save(module.state_dict(), os.path.join(os.environ["SM_MODEL_DIR"], "model.pt"))
    if world > 1:
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
