"""3D blood flow: incompressible Navier-Stokes in rigid vessels (``ns``), its inlet (``inlet``, ``caps``,
``waveforms``), outlets (``outlets``), analytic references (``womersley``) and
flow metrics: WSS, TAWSS/OSI, flows, pressures, wall forces (``metrics``)."""
