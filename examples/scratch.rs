use excalibur::cosmology::{Background, Lcdm};
use excalibur::integrate::*;
use excalibur::lens::*;
use excalibur::metric::*;
use excalibur::observables::of_ray;
use excalibur::potential::*;
use excalibur::units::*;
fn st<F: Field>(f: F, bg: &Background, o: [f64; 3]) -> PerturbedFlrw<F> {
    PerturbedFlrw { field: f, expansion: bg.expansion(), time: TimeDependence::Frozen, equations: Equations::Exact, observer_m: o.map(|c| c * MPC_M), eta_obs_s: bg.eta_obs_s(), cores: vec![] }
}
fn main() {
    let lens = Lens { profile: Profile::UniformSphere { radius_m: 0.5 * MPC_M }, gm: gm_from_msun(1e15), center_m: [0.0; 3], core_radius_m: 0.0 };
    let b = 8.0;
    let o = [-30.0, b + 0.3, 0.2];
    let stop = StopConditions { plane: Some(Plane { point_offset_m: [55.0 * MPC_M, 0.0, 0.0], normal: [1.0, 0.0, 0.0] }), ..Default::default() };
    let run = |s: &dyn Spacetime, h: f64| {
        let _ = s;
        h
    };
    let _ = run;
    let go = |sp: &PerturbedFlrw<&dyn Field>, h: f64| {
        let integ = Integration { method: Method::Rk4(StepRule::Comoving(h * MPC_M)), stop, record_every: 1 };
        let y0 = sp.launch([0.0; 3], [1.0, 0.0, 0.0]).unwrap();
        let out = integrate(sp, y0, &integ, &Default::default(), &mut |_, _| {});
        of_ray(sp, &[], &out).deflection_rad
    };
    let an = AnalyticField { lenses: vec![lens], uniform: None };
    let ex = go(&st(&an as &dyn Field, &Background::Static, o), 0.02);
    for n in [16usize, 32, 64, 128] {
        let g: Grid<f64> = Grid::from_lenses(GridGeometry::cube(n, 64.0 * MPC_M, [-32.0 * MPC_M; 3]).unwrap(), &[lens]).unwrap();
        for h in [0.25, 0.05] {
            let a = go(&st(&g as &dyn Field, &Background::Static, o), h);
            println!("n={n} h={h} err={:e}", a / ex - 1.0);
        }
    }
    // SW
    let lens = Lens { profile: Profile::UniformSphere { radius_m: 3.0 * MPC_M }, gm: gm_from_msun(1e16), center_m: [0.0; 3], core_radius_m: 0.0 };
    let bg = Background::Lcdm(Lcdm::new(70.0, 0.3, 0.7, 0.0).unwrap());
    let an = AnalyticField { lenses: vec![lens], uniform: None };
    let sp = st(&an as &dyn Field, &bg, [-100.0, 0.0, 0.0]);
    for h in [0.5, 0.05, 0.01] {
        let stop = StopConditions { distance_m: Some(99.0 * MPC_M), ..Default::default() };
        let integ = Integration { method: Method::Rk4(StepRule::Comoving(h * MPC_M)), stop, record_every: 1 };
        let y0 = sp.launch([0.0; 3], [1.0, 0.0, 0.0]).unwrap();
        let out = integrate(&sp, y0, &integ, &Default::default(), &mut |_, _| {});
        let q0 = sp.conserved_energy(&out.initial_state, &out.initial_sample);
        let q1 = sp.conserved_energy(&out.final_state, &out.final_sample);
        println!("h={h} Qdrift={:e} a={} null={:e}", q1 / q0 - 1.0, out.final_state[idx::A], out.null_error_max);
    }
}
